import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadScenario } from "../src/index.js";
import { durationMs } from "../src/scenario/scenario-schema.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "levity-scenario-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string) {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

describe("scenario files", () => {
  it("reads a YAML timeline", async () => {
    const path = await file(
      "ok.yaml",
      [
        "chargePoints:",
        "  - id: CP-1",
        "    connectors: 2",
        "    after: 500ms",
        "    steps:",
        "      - connect",
        "      - boot",
        "      - status: { connector: 1, status: Available }",
        "      - start: { connector: 1, idTag: TAG, currentA: 16 }",
        "      - meter: { connector: 1, count: 3, every: 1s }",
        "      - reboot",
        "      - wait: 2",
        "      - disconnect",
      ].join("\n"),
    );
    const loaded = await loadScenario(path);
    expect(loaded.ok).toBe(true);
    if (loaded.ok) expect(loaded.scenario.chargePoints[0]?.steps).toHaveLength(8);
  });

  it("reads JSON too", async () => {
    const path = await file(
      "ok.json",
      JSON.stringify({ chargePoints: [{ id: "A", steps: ["connect", { wait: "1s" }] }] }),
    );
    expect((await loadScenario(path)).ok).toBe(true);
  });

  it.each([
    ["no charge points", "chargePoints: []", "/chargePoints"],
    [
      "an unknown step",
      "chargePoints:\n  - id: A\n    steps: [teleport]",
      "/chargePoints/0/steps/0",
    ],
    [
      "a bad duration",
      "chargePoints:\n  - id: A\n    steps: [{ wait: soon }]",
      "/chargePoints/0/steps/0",
    ],
    ["broken YAML", "chargePoints: [", "is not YAML or JSON"],
  ])("refuses %s with a one-line error", async (_name, text, message) => {
    const loaded = await loadScenario(await file("bad.yaml", text));
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) {
      expect(loaded.error).toContain(message);
      expect(loaded.error).not.toContain("\n");
    }
  });

  it("says which file is missing", async () => {
    expect(await loadScenario(join(dir, "missing.yaml"))).toEqual({
      ok: false,
      error: `cannot read ${join(dir, "missing.yaml")}: ENOENT`,
    });
  });

  it("reads durations in ms, s, m, h or plain seconds", () => {
    expect([
      durationMs("250ms"),
      durationMs("2s"),
      durationMs("1.5m"),
      durationMs("1h"),
      durationMs(3),
    ]).toEqual([250, 2_000, 90_000, 3_600_000, 3_000]);
  });
});
