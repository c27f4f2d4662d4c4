import { mkdir, mkdtemp, rename, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eventually } from "@levity/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ChargePointRegistry } from "../../src/admission/charge-point-registry.js";
import {
  LiveRegistry,
  readRegistryFile,
  writeRegistryFile,
} from "../../src/admission/registry-file.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "levity-live-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("registry files on disk", () => {
  it("read a missing file as an empty registry and write readable-only-by-owner files", async () => {
    const path = join(dir, "cps.yaml");
    const missing = await readRegistryFile(path);
    expect(missing.ok && missing.registry.size).toBe(0);
    await writeRegistryFile(path, new ChargePointRegistry([{ identity: "A", securityProfile: 3 }]));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it("follow edits and SIGHUP, and keep the previous registry when an edit does not parse", async () => {
    const path = join(dir, "cps.yaml");
    await writeRegistryFile(path, new ChargePointRegistry([{ identity: "A", securityProfile: 3 }]));
    const reports: string[] = [];
    const opened = await LiveRegistry.open(path, (event) =>
      reports.push(event.ok ? `ok ${event.size}` : `error ${event.error}`),
    );
    if (!opened.ok) throw new Error(opened.error);
    const live = opened.registry;
    await writeRegistryFile(path, live.current.with({ identity: "B", securityProfile: 3 }));
    await eventually(() => expect(live.current.get("B")).toBeDefined());
    await writeFile(path, "chargePoints: [ {");
    await eventually(() => expect(reports.at(-1)).toMatch(/^error .*not YAML/));
    expect(live.current.size).toBe(2);
    const before = reports.length;
    process.emit("SIGHUP");
    await eventually(() => expect(reports.length).toBeGreaterThan(before));
    live.stop();
  });

  it("tell listeners of each registry taken, and only when the file's text changed", async () => {
    const path = join(dir, "cps.yaml");
    await writeRegistryFile(path, new ChargePointRegistry([{ identity: "A", securityProfile: 3 }]));
    const opened = await LiveRegistry.open(path, () => {});
    if (!opened.ok) throw new Error(opened.error);
    const live = opened.registry;
    const seen: number[] = [];
    live.onChange((registry) => seen.push(registry.size));
    await live.reload(false);
    expect(seen).toEqual([]);
    await writeRegistryFile(path, live.current.with({ identity: "B", securityProfile: 3 }));
    await eventually(() => expect(seen).toEqual([2]));
    live.stop();
  });

  it("follow a Kubernetes ConfigMap mount, whose update swaps a ..data symlink", async () => {
    // What the kubelet builds: file -> ..data/file, ..data -> ..<revision>/, swapped atomically.
    const mount = join(dir, "config");
    await mkdir(join(mount, "..rev1"), { recursive: true });
    await writeRegistryFile(
      join(mount, "..rev1", "cps.yaml"),
      new ChargePointRegistry([{ identity: "A", securityProfile: 3 }]),
    );
    await symlink("..rev1", join(mount, "..data"));
    await symlink(join("..data", "cps.yaml"), join(mount, "cps.yaml"));
    const opened = await LiveRegistry.open(join(mount, "cps.yaml"), () => {});
    if (!opened.ok) throw new Error(opened.error);
    const live = opened.registry;
    expect(live.current.get("A")).toBeDefined();
    await mkdir(join(mount, "..rev2"));
    await writeRegistryFile(
      join(mount, "..rev2", "cps.yaml"),
      new ChargePointRegistry([{ identity: "B", securityProfile: 3 }]),
    );
    await symlink("..rev2", join(mount, "..data_tmp"));
    await rename(join(mount, "..data_tmp"), join(mount, "..data"));
    await rm(join(mount, "..rev1"), { recursive: true });
    await eventually(() => {
      expect(live.current.get("B")).toBeDefined();
      expect(live.current.get("A")).toBeUndefined();
    });
    live.stop();
  });

  it("follow a symlink into another directory when the file it points to is edited there", async () => {
    const elsewhere = join(dir, "elsewhere");
    await mkdir(elsewhere);
    const target = join(elsewhere, "cps.yaml");
    await writeRegistryFile(
      target,
      new ChargePointRegistry([{ identity: "A", securityProfile: 3 }]),
    );
    const path = join(dir, "cps.yaml");
    await symlink(target, path);
    const opened = await LiveRegistry.open(path, () => {});
    if (!opened.ok) throw new Error(opened.error);
    const live = opened.registry;
    await writeRegistryFile(target, live.current.with({ identity: "B", securityProfile: 3 }));
    await eventually(() => expect(live.current.get("B")).toBeDefined());
    live.stop();
  });

  it("refuse to start on a file that does not parse", async () => {
    const path = join(dir, "bad.json");
    await writeFile(
      path,
      JSON.stringify({ chargePoints: [{ identity: "A", securityProfile: 1 }] }),
    );
    const opened = await LiveRegistry.open(path, () => {});
    expect(opened).toMatchObject({
      ok: false,
      error: expect.stringContaining("needs a passwordHash"),
    });
  });
});
