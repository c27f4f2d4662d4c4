import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { spawnProcess } from "@levity/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyPassword } from "../../src/admission/password-hash.js";
import { readRegistryFile } from "../../src/admission/registry-file.js";

const ADMIN = fileURLToPath(new URL("../../dist/admin.js", import.meta.url));
let dir: string;
let file: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "levity-admin-"));
  file = join(dir, "charge-points.yaml");
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function admin(args: string[], stdin?: string) {
  const child = spawnProcess(process.execPath, [ADMIN, ...args], {
    env: { ...process.env, CHARGE_POINTS: file },
    ...(stdin === undefined ? {} : { input: stdin }),
  });
  const status = await child.exited;
  return { code: status.code, output: child.output };
}

describe("levity-admin", () => {
  it("registers a charge point with a generated key, shown once and stored only as a hash", async () => {
    const added = await admin(["cp", "add", "CP-1", "--profile", "1", "--generate"]);
    expect(added.code).toBe(0);
    const key =
      /AuthorizationKey \(shown once, store it in the charge point\): ([0-9a-f]{40})/.exec(
        added.output,
      )?.[1];
    expect(key).toBeDefined();
    const text = await readFile(file, "utf8");
    expect(text).not.toContain(key ?? "none");
    const loaded = await readRegistryFile(file);
    const hash = loaded.ok ? (loaded.registry.get("CP-1")?.passwordHash ?? "") : "";
    expect(await verifyPassword(Buffer.from(key ?? ""), hash)).toBe(true);
  });

  it("changes a password from standard input, lists, and removes", async () => {
    const added = await admin(["cp", "add", "CP-3", "--profile", "3"]);
    expect(added.code, added.output).toBe(0);
    const changed = await admin(
      ["cp", "set-password", "CP-1", "--password-stdin"],
      "a chosen password\n",
    );
    expect(changed.code, changed.output).toBe(0);
    const loaded = await readRegistryFile(file);
    const hash = loaded.ok ? (loaded.registry.get("CP-1")?.passwordHash ?? "") : "";
    expect(hash).toMatch(/^scrypt\$32768\$/);
    expect(await verifyPassword(Buffer.from("a chosen password"), hash)).toBe(true);
    expect((await admin(["cp", "list"])).output).toBe("CP-1\tprofile 1\nCP-3\tprofile 3\n");
    expect((await admin(["cp", "remove", "CP-3"])).code).toBe(0);
    expect((await admin(["cp", "list"])).output).toBe("CP-1\tprofile 1\n");
  });

  it.each([
    [["cp", "add", "CP-1", "--profile", "1", "--generate"], "already registered"],
    [["cp", "add", "CP-9"], "needs --profile"],
    [["cp", "add", "CP-9", "--profile", "7"], "--profile must be 1, 2 or 3"],
    [["cp", "add", "CP-9", "--profile", "1"], "a password is needed"],
    [["cp", "add", "CP-9", "--profile", "1", "--password", "short"], "at least 8 characters"],
    [["cp", "add", "CP-9", "--profile", "3", "--generate"], "not a password"],
    [["cp", "remove", "CP-9"], "not registered"],
    [["cp", "frobnicate", "X"], "unknown command"],
  ])("refuses %j with a one-line reason and exit 2", async (args, message) => {
    const { code, output } = await admin(args);
    expect(code).toBe(2);
    expect(output.trim().split("\n")).toHaveLength(1);
    expect(output).toContain(message);
  });
});
