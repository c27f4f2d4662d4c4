import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { parseAutomations } from "../../src/automations/config/automation-rules.js";
import { patternOf } from "../../src/automations/config/charge-point-selector.js";
import { newCp } from "../../src/state/projection-state.js";

describe("the automations file", () => {
  it("reads the shipped example, with the defaults of what it leaves out", async () => {
    const text = await readFile(
      new URL("../../../../examples/automations.yaml", import.meta.url),
      "utf8",
    );
    const parsed = parseAutomations(text);
    if (!parsed.ok) return expect.fail(parsed.error);
    expect(parsed.value.map((rule) => rule.kind)).toEqual([
      "auto-remote-start",
      "reset-when-faulted",
      "quarantine-reboot-loop",
      "close-orphaned-transactions",
    ]);
  });

  it("takes durations in every unit, and fills in defaults", () => {
    const parsed = parseAutomations(`
automations:
  - { name: a, kind: auto-remote-start, idTag: FREE }
  - { name: b, kind: reset-when-faulted, after: 1.5m, maxPerDay: 2 }
  - { name: c, kind: quarantine-reboot-loop, window: 2h }
  - { name: d, kind: auto-remote-start, idTag: FREE, delay: 250ms }
  - { name: e, kind: reset-when-faulted, after: 30 }
`);
    if (!parsed.ok) return expect.fail(parsed.error);
    expect(parsed.value).toMatchObject([
      { name: "a", delayMs: 1_000 },
      { name: "b", afterMs: 90_000, maxPerDay: 2 },
      { name: "c", boots: 5, windowMs: 7_200_000 },
      { name: "d", delayMs: 250 },
      { name: "e", afterMs: 30_000, maxPerDay: 3 },
    ]);
  });

  it("reads an empty file as no automations", () => {
    expect(parseAutomations("")).toEqual({ ok: true, value: [] });
  });

  it.each([
    ["automations: [{ name: a, kind: reboot-everything }]", "/automations/0/kind: must be one of"],
    ["automations: [{ name: a, kind: reset-when-faulted, after: soon }]", "/automations/0/after"],
    ["automations: [{ name: a, kind: auto-remote-start }]", "must have required property 'idTag'"],
    ["automations: [{ name: a, kind: auto-remote-start, idTag: T, dealy: 1s }]", "(dealy)"],
    ["automations: [{ name: A B, kind: auto-remote-start, idTag: T }]", "/automations/0/name"],
    [
      "automations: [{ name: a, kind: quarantine-reboot-loop }, { name: a, kind: auto-remote-start, idTag: T }]",
      '/automations/1/name: "a" is used twice',
    ],
    ["automations: [{ name: a, kind: quarantine-reboot-loop, boots: 16 }]", "/automations/0/boots"],
    [
      "automations: [{ name: a, kind: webhook, url: ftp://x, events: [cp.boot] }]",
      "/automations/0/url",
    ],
    ["rules: []", "/: must have required property 'automations'"],
    ["automations: [", "not YAML or JSON"],
  ])("refuses %s with one line saying what and where", (text, message) => {
    const parsed = parseAutomations(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.error).toContain(message);
      expect(parsed.error).not.toContain("\n");
    }
  });

  it("selects charge points by identity, vendor and model patterns, all of them together", () => {
    const parsed = parseAutomations(`
automations:
  - name: a
    kind: auto-remote-start
    idTag: FREE
    chargePoints: ["FREE-*", "LOBBY-?"]
    vendors: ["Acme*"]
`);
    if (!parsed.ok) return expect.fail(parsed.error);
    const selector = parsed.value[0]?.selector;
    const acme = { ...newCp(0), info: { vendor: "Acme Power", model: "X", firmware: "1" } };
    expect(selector?.matches("FREE-12/a", acme)).toBe(true);
    expect(selector?.matches("LOBBY-1", acme)).toBe(true);
    expect(selector?.matches("LOBBY-12", acme)).toBe(false);
    expect(selector?.matches("FREE-1", newCp(0))).toBe(false);
    expect(selector?.matches("free-1", acme)).toBe(false);
  });

  it("takes every other character of a pattern literally", () => {
    expect(patternOf("CP.(1)+[x]").test("CP.(1)+[x]")).toBe(true);
    expect(patternOf("CP.(1)+[x]").test("CPx(1)+[x]")).toBe(false);
    expect(patternOf("充电桩-*").test("充电桩-5")).toBe(true);
  });
});
