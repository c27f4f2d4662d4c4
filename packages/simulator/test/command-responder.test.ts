import { OCPP16_COMMAND_ACTIONS, ocpp16CommandValidator } from "@levity/ocpp";
import { describe, expect, it } from "vitest";
import {
  initialConfiguration,
  type ResponderState,
  rejection,
  respond,
} from "../src/charge-point/command-responder.js";
import { SAMPLE_COMMANDS as REQUESTS } from "../src/charge-point/sample-commands.js";

function state(): ResponderState {
  return {
    connectors: 2,
    transactions: new Map([[42, 1]]),
    configuration: initialConfiguration(2, 300, 60),
    inoperative: new Set(),
    reservations: new Map(),
    localListVersion: 0,
  };
}

describe("the simulator's answers to commands", () => {
  it.each(OCPP16_COMMAND_ACTIONS)(
    "answers %s with a schema-valid answer, and refuses it validly",
    (action) => {
      const request = REQUESTS[action];
      expect(request, `a sample request of ${action}`).toBeDefined();
      expect(ocpp16CommandValidator.validateRequest(action, request)).toBeUndefined();
      const { answer } = respond(state(), action, request);
      expect(answer.kind).toBe("result");
      if (answer.kind === "result")
        expect(ocpp16CommandValidator.validateResponse(action, answer.payload)).toBeUndefined();
      const refused = rejection(action)?.answer;
      if (refused?.kind === "result")
        expect(ocpp16CommandValidator.validateResponse(action, refused.payload)).toBeUndefined();
    },
  );

  it("reboots on Reset, starting and stopping transactions as asked", () => {
    expect(respond(state(), "Reset", { type: "Soft" }).effects).toEqual([
      { kind: "reset", hard: false },
    ]);
    expect(respond(state(), "RemoteStartTransaction", { idTag: "T" }).effects).toEqual([
      { kind: "remote-start", connectorId: 2, idTag: "T" },
    ]);
    expect(
      respond(state(), "RemoteStartTransaction", { idTag: "T", connectorId: 1 }),
    ).toMatchObject({
      answer: { payload: { status: "Rejected" } },
      effects: [],
    });
    expect(respond(state(), "RemoteStopTransaction", { transactionId: 42 }).effects).toEqual([
      { kind: "remote-stop", connectorId: 1 },
    ]);
    expect(respond(state(), "RemoteStopTransaction", { transactionId: 9 }).answer).toMatchObject({
      payload: { status: "Rejected" },
    });
  });

  it("keeps its configuration: changes take effect, read-only and unknown keys are refused", () => {
    const charger = state();
    expect(
      respond(charger, "ChangeConfiguration", { key: "HeartbeatInterval", value: "120" }).answer,
    ).toMatchObject({ payload: { status: "Accepted" } });
    expect(charger.configuration.get("HeartbeatInterval")?.value).toBe("120");
    expect(
      respond(charger, "ChangeConfiguration", { key: "HeartbeatInterval", value: "soon" }).answer,
    ).toMatchObject({ payload: { status: "Rejected" } });
    expect(
      respond(charger, "ChangeConfiguration", { key: "NumberOfConnectors", value: "9" }).answer,
    ).toMatchObject({ payload: { status: "Rejected" } });
    expect(
      respond(charger, "ChangeConfiguration", { key: "Nope", value: "1" }).answer,
    ).toMatchObject({ payload: { status: "NotSupported" } });
    expect(
      respond(charger, "GetConfiguration", { key: ["HeartbeatInterval", "Nope"] }).answer,
    ).toMatchObject({
      payload: {
        configurationKey: [{ key: "HeartbeatInterval", readonly: false, value: "120" }],
        unknownKey: ["Nope"],
      },
    });
  });

  it("follows ChangeAvailability, and reserves and cancels connectors", () => {
    const charger = state();
    expect(
      respond(charger, "ChangeAvailability", { connectorId: 2, type: "Inoperative" }),
    ).toMatchObject({
      answer: { payload: { status: "Accepted" } },
      effects: [{ kind: "status", connectorId: 2, status: "Unavailable" }],
    });
    // Connector 1 is charging: the change waits for its transaction to end.
    expect(
      respond(charger, "ChangeAvailability", { connectorId: 1, type: "Inoperative" }).answer,
    ).toMatchObject({ payload: { status: "Scheduled" } });
    expect(
      respond(charger, "ReserveNow", {
        connectorId: 2,
        expiryDate: "2030-01-01T00:00:00Z",
        idTag: "T",
        reservationId: 1,
      }).answer,
    ).toMatchObject({ payload: { status: "Unavailable" } });
    respond(charger, "ChangeAvailability", { connectorId: 0, type: "Operative" });
    expect(
      respond(charger, "ReserveNow", {
        connectorId: 2,
        expiryDate: "2030-01-01T00:00:00Z",
        idTag: "T",
        reservationId: 1,
      }).answer,
    ).toMatchObject({ payload: { status: "Accepted" } });
    expect(respond(charger, "CancelReservation", { reservationId: 1 }).effects).toEqual([
      { kind: "status", connectorId: 2, status: "Available" },
    ]);
    expect(respond(charger, "CancelReservation", { reservationId: 1 }).answer).toMatchObject({
      payload: { status: "Rejected" },
    });
  });
});
