import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { renderMessageTypes, VERSIONS } from "../scripts/message-types.js";
import { OCPP16, OCPP16_CP_ACTIONS, ocpp16Validator } from "../src/index.js";

const boot = { chargePointVendor: "ACME", chargePointModel: "Fast-50" };

describe("OCPP 1.6 request validation", () => {
  it("accepts a valid request", () => {
    expect(ocpp16Validator.validateRequest("BootNotification", boot)).toBeUndefined();
  });

  it.each([
    ["a missing required field", { chargePointVendor: "ACME" }, "occurrence", "/chargePointModel"],
    ["a wrong type", { ...boot, chargePointModel: 5 }, "type", "/chargePointModel"],
    [
      "a value over its length limit",
      { ...boot, chargePointVendor: "x".repeat(21) },
      "property",
      "/chargePointVendor",
    ],
    ["an unknown field", { ...boot, colour: "red" }, "formation", "/colour"],
  ])("classifies %s", (_name, payload, kind, path) => {
    expect(ocpp16Validator.validateRequest("BootNotification", payload)).toMatchObject({
      kind,
      path,
    });
  });

  it("classifies bad enum values and timestamps as property violations", () => {
    expect(
      ocpp16Validator.validateRequest("StatusNotification", {
        connectorId: 1,
        errorCode: "NoError",
        status: "Sleeping",
      }),
    ).toMatchObject({ kind: "property", path: "/status" });
    expect(
      ocpp16Validator.validateRequest("StartTransaction", {
        connectorId: 1,
        idTag: "T",
        meterStart: 0,
        timestamp: "yesterday",
      }),
    ).toMatchObject({ kind: "property", path: "/timestamp" });
  });

  it.each(["2024-19-39T29:59:59Z", "2024-01-01T00:00:00+99:99", "2016-12-31T23:59:60Z"])(
    "refuses %s: the shape of a date-time that names no instant",
    (timestamp) => {
      expect(
        ocpp16Validator.validateRequest("SecurityEventNotification", { type: "T", timestamp }),
      ).toMatchObject({ kind: "property", path: "/timestamp" });
    },
  );

  it("treats a payload that is not an object as a formation violation", () => {
    expect(ocpp16Validator.validateRequest("Heartbeat", [])).toMatchObject({ kind: "formation" });
  });

  it("knows every charge-point action, with request and response schemas", () => {
    expect([...ocpp16Validator.actions].sort()).toEqual([...OCPP16_CP_ACTIONS].sort());
    expect(
      ocpp16Validator.validateResponse("Heartbeat", { currentTime: "2024-01-01T00:00:00Z" }),
    ).toBeUndefined();
    expect(ocpp16Validator.validateResponse("Heartbeat", {})).toMatchObject({ kind: "occurrence" });
    expect(ocpp16Validator.validateRequest("Teleport", {})).toMatchObject({
      kind: "notImplemented",
    });
  });
});

describe("the 1.6 protocol definition", () => {
  it("spells the 1.6 error codes as 1.6 does", () => {
    expect(OCPP16.errorCodes.occurrence).toBe("OccurenceConstraintViolation");
    expect(OCPP16.errorCodes.formation).toBe("FormationViolation");
    expect(OCPP16.centralSystemActions.has("Reset")).toBe(true);
  });
});

describe("generated message types", () => {
  it.each(VERSIONS)(
    "of $version match what the generator produces from the schemas",
    async (messages) => {
      expect(await readFile(messages.file, "utf8")).toBe(await renderMessageTypes(messages));
    },
  );
});
