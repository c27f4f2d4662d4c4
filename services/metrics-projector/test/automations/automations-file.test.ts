import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { createLogger } from "@levity/service-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openAutomationsFile } from "../../src/automations/automations-file.js";

let dir: string;
const logger = createLogger({ service: "test", level: "silent" });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "levity-automations-file-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the automations file, followed live", () => {
  it("refuses a missing file and one that does not parse, in one line", async () => {
    const missing = await openAutomationsFile(join(dir, "nope.yaml"), logger);
    expect(missing).toEqual({ ok: false, error: `cannot read ${join(dir, "nope.yaml")}: ENOENT` });
    await writeFile(join(dir, "bad.yaml"), "automations: [{ name: x, kind: nope }]");
    const bad = await openAutomationsFile(join(dir, "bad.yaml"), logger);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toContain("/automations/0/kind: must be one of");
  });

  it("takes a new version when it changes, and keeps the rules when the new one is broken", async () => {
    const path = join(dir, "live.yaml");
    await writeFile(path, "automations: [{ name: a, kind: reset-when-faulted }]");
    const lines = new PassThrough();
    let logged = "";
    lines.on("data", (chunk: Buffer) => {
      logged += chunk.toString();
    });
    const file = await openAutomationsFile(
      path,
      createLogger({ service: "test", level: "info", destination: lines }),
    );
    if (!file.ok) return expect.fail(file.error);
    try {
      expect(file.rules().map((rule) => rule.name)).toEqual(["a"]);
      await writeFile(path, "automations: [{ name: b, kind: reset-when-faulted }]");
      await expect
        .poll(() => file.rules().map((rule) => rule.name), { timeout: 10_000 })
        .toEqual(["b"]);
      await writeFile(path, "automations: [{ name: c, kind: nope }]");
      await expect.poll(() => logged, { timeout: 10_000 }).toContain("automations file refused");
      expect(logged).toContain("/automations/0/kind: must be one of");
      expect(file.rules().map((rule) => rule.name)).toEqual(["b"]);
    } finally {
      file.stop();
    }
  });
});
