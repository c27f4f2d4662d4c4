import { describe, expect, it } from "vitest";
import {
  ChargePointRegistry,
  parseRegistry,
  serializeRegistry,
} from "../../src/admission/charge-point-registry.js";

const HASH = "scrypt$1024$8$1$c2FsdA==$aGFzaA==";

describe("registry files", () => {
  it("read YAML and JSON, with an optional idTag allow list", () => {
    const yaml = parseRegistry(
      `chargePoints:\n  - identity: CP-1\n    securityProfile: 1\n    passwordHash: "${HASH}"\nidTags: [TAG-1]\n`,
    );
    expect(yaml.ok && yaml.registry.get("CP-1")?.securityProfile).toBe(1);
    expect(
      yaml.ok && [yaml.registry.idTagAccepted("TAG-1"), yaml.registry.idTagAccepted("TAG-2")],
    ).toEqual([true, false]);
    const json = parseRegistry(
      JSON.stringify({ chargePoints: [{ identity: "CP-3", securityProfile: 3 }] }),
    );
    expect(json.ok && json.registry.idTagAccepted("ANY")).toBe(true);
    expect(parseRegistry("").ok).toBe(true);
  });

  it.each([
    [
      "a profile 1 without a hash",
      { chargePoints: [{ identity: "A", securityProfile: 1 }] },
      "needs a passwordHash",
    ],
    [
      "a bad hash",
      { chargePoints: [{ identity: "A", securityProfile: 2, passwordHash: "plaintext" }] },
      "needs a passwordHash",
    ],
    [
      "a repeated identity",
      {
        chargePoints: [
          { identity: "A", securityProfile: 3 },
          { identity: "A", securityProfile: 3 },
        ],
      },
      "repeats identity A",
    ],
    [
      "an unknown profile",
      { chargePoints: [{ identity: "A", securityProfile: 4 }] },
      "/chargePoints/0/securityProfile",
    ],
    ["an unknown field", { chargePoints: [], colour: "red" }, "/"],
  ])("refuse %s with a one-line reason", (_name, body, message) => {
    const parsed = parseRegistry(JSON.stringify(body));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(message);
  });

  it("write back what they read, as YAML or JSON by extension", () => {
    const registry = new ChargePointRegistry(
      [
        { identity: "B", securityProfile: 3 },
        { identity: "A", securityProfile: 1, passwordHash: HASH },
      ],
      ["T"],
    );
    for (const path of ["r.yaml", "r.json"]) {
      const again = parseRegistry(serializeRegistry(registry, path));
      expect(again.ok && again.registry.records()).toEqual(
        registry.records().sort((a, b) => a.identity.localeCompare(b.identity)),
      );
      expect(again.ok && again.registry.idTags).toEqual(["T"]);
    }
    expect(serializeRegistry(registry, "r.json").startsWith("{")).toBe(true);
  });
});
