import { describe, expect, it } from "vitest";
import {
  OCPP201,
  OCPP201_COMMAND_ACTIONS,
  OCPP201_CP_ACTIONS,
  OCPP201_SCHEMAS,
  ocpp201CommandValidator,
  ocpp201Validator,
} from "../src/index.js";

const boot = {
  reason: "PowerUp",
  chargingStation: { vendorName: "ACME", model: "Fast-50", firmwareVersion: "2.1" },
};

describe("OCPP 2.0.1 schemas", () => {
  it("cover every action the bundle defines, each in exactly one direction (DataTransfer in both)", () => {
    const defined = new Set(
      OCPP201_SCHEMAS.map((schema) => schema.$id.replace(/^urn:/, "").replace(/\.(req|conf)$/, "")),
    );
    const covered = new Set([...OCPP201_CP_ACTIONS, ...OCPP201_COMMAND_ACTIONS]);
    expect([...covered].sort()).toEqual([...defined].sort());
    const both = OCPP201_CP_ACTIONS.filter((action) =>
      (OCPP201_COMMAND_ACTIONS as readonly string[]).includes(action),
    );
    expect(both).toEqual(["DataTransfer"]);
  });

  it("validate a charging station's calls and classify what is wrong", () => {
    expect(ocpp201Validator.validateRequest("BootNotification", boot)).toBeUndefined();
    expect(
      ocpp201Validator.validateRequest("BootNotification", { reason: "PowerUp" }),
    ).toMatchObject({ kind: "occurrence", path: "/chargingStation" });
    expect(
      ocpp201Validator.validateRequest("BootNotification", { ...boot, reason: "Bored" }),
    ).toMatchObject({ kind: "property", path: "/reason" });
    expect(
      ocpp201Validator.validateRequest("StatusNotification", {
        timestamp: "2024-01-01T00:00:00Z",
        connectorStatus: "Available",
        evseId: "1",
        connectorId: 1,
      }),
    ).toMatchObject({ kind: "type", path: "/evseId" });
    // 1.6's payload of the same action is not a 2.0.1 one.
    expect(
      ocpp201Validator.validateRequest("BootNotification", {
        chargePointVendor: "ACME",
        chargePointModel: "Fast-50",
      }),
    ).toBeDefined();
  });

  it("validate the commands the CSMS sends and the answers to them", () => {
    expect(ocpp201CommandValidator.validateRequest("Reset", { type: "Immediate" })).toBeUndefined();
    expect(ocpp201CommandValidator.validateRequest("Reset", { type: "Hard" })).toMatchObject({
      kind: "property",
    });
    expect(
      ocpp201CommandValidator.validateResponse("GetVariables", {
        getVariableResult: [
          {
            attributeStatus: "Accepted",
            attributeValue: "60",
            component: { name: "OCPPCommCtrlr" },
            variable: { name: "HeartbeatInterval" },
          },
        ],
      }),
    ).toBeUndefined();
    expect(
      ocpp201CommandValidator.validateRequest("RemoteStartTransaction", { idTag: "T" }),
    ).toMatchObject({ kind: "notImplemented" });
  });

  it("spell the error codes as 2.0.1 does, the RPC framework's own included", () => {
    expect(OCPP201.subprotocol).toBe("ocpp2.0.1");
    expect(OCPP201.errorCodes).toMatchObject({
      formation: "FormatViolation",
      occurrence: "OccurrenceConstraintViolation",
      rpcFramework: "RpcFrameworkError",
      messageType: "MessageTypeNotSupported",
      security: "SecurityError",
    });
    expect(OCPP201.centralSystemActions.has("RequestStartTransaction")).toBe(true);
    expect(OCPP201.centralSystemActions.has("TransactionEvent")).toBe(false);
  });
});
