import { OCPP201_COMMAND_ACTIONS, ocpp201CommandValidator, ocpp201Validator } from "@levity/ocpp";
import { describe, expect, it } from "vitest";
import {
  type Ocpp201ResponderState,
  rejection201,
  respond201,
} from "../src/charge-point/ocpp201-command-responder.js";
import { initialVariables } from "../src/charge-point/ocpp201-variables.js";
import { SAMPLE_COMMANDS_201 as REQUESTS } from "../src/index.js";

function state(): Ocpp201ResponderState {
  return {
    connectors: 2,
    transactions: new Map([["tx-1", 1]]),
    variables: initialVariables(300, 60),
    inoperative: new Set(),
    reservations: new Map(),
    localListVersion: 0,
    queuedMessages: 0,
    now: () => Date.parse("2030-01-01T00:00:00Z"),
  };
}

const component = { name: "OCPPCommCtrlr" };
const heartbeat = { name: "HeartbeatInterval" };

describe("the simulator's answers to 2.0.1 commands", () => {
  it.each(OCPP201_COMMAND_ACTIONS)(
    "answers %s with a schema-valid answer, and refuses it validly",
    (action) => {
      const request = REQUESTS[action];
      expect(ocpp201CommandValidator.validateRequest(action, request)).toBeUndefined();
      const { answer, effects } = respond201(state(), action, request);
      expect(answer.kind).toBe("result");
      if (answer.kind === "result")
        expect(ocpp201CommandValidator.validateResponse(action, answer.payload)).toBeUndefined();
      for (const effect of effects)
        if (effect.kind === "send")
          expect(ocpp201Validator.validateRequest(effect.action, effect.payload)).toBeUndefined();
      const refused = rejection201(action)?.answer;
      if (refused?.kind === "result")
        expect(ocpp201CommandValidator.validateResponse(action, refused.payload)).toBeUndefined();
    },
  );

  it("answers what is not a 2.0.1 command NotImplemented", () => {
    expect(respond201(state(), "RemoteStartTransaction", {}).answer).toMatchObject({
      kind: "error",
      code: "NotImplemented",
    });
  });

  it("reboots on Reset, at once or once idle", () => {
    expect(respond201(state(), "Reset", { type: "Immediate" })).toMatchObject({
      answer: { payload: { status: "Accepted" } },
      effects: [{ kind: "reset", hard: false, whenIdle: false }],
    });
    expect(respond201(state(), "Reset", { type: "OnIdle" })).toMatchObject({
      answer: { payload: { status: "Scheduled" } },
      effects: [{ kind: "reset", whenIdle: true }],
    });
    expect(respond201(state(), "Reset", { type: "Immediate", evseId: 1 })).toMatchObject({
      answer: { payload: { status: "Rejected" } },
      effects: [],
    });
  });

  it("starts a transaction on a free EVSE with the request's remoteStartId, and stops one it has", () => {
    const idToken = { idToken: "T", type: "Central" };
    expect(
      respond201(state(), "RequestStartTransaction", { idToken, remoteStartId: 9 }).effects,
    ).toEqual([{ kind: "remote-start", connectorId: 2, idTag: "T", remoteStartId: 9 }]);
    expect(
      respond201(state(), "RequestStartTransaction", { idToken, remoteStartId: 9, evseId: 1 }),
    ).toMatchObject({ answer: { payload: { status: "Rejected" } }, effects: [] });
    expect(
      respond201(state(), "RequestStopTransaction", { transactionId: "tx-1" }).effects,
    ).toEqual([{ kind: "remote-stop", connectorId: 1 }]);
    expect(
      respond201(state(), "RequestStopTransaction", { transactionId: "tx-9" }).answer,
    ).toMatchObject({ payload: { status: "Rejected" } });
  });

  it("keeps its variables: a set takes effect, read-only, malformed and unknown ones are refused", () => {
    const station = state();
    const set = (component: { name: string }, variable: { name: string }, value: string) =>
      respond201(station, "SetVariables", {
        setVariableData: [{ component, variable, attributeValue: value }],
      }).answer;
    expect(set(component, heartbeat, "120")).toMatchObject({
      payload: { setVariableResult: [{ attributeStatus: "Accepted" }] },
    });
    expect(set(component, heartbeat, "soon")).toMatchObject({
      payload: { setVariableResult: [{ attributeStatus: "Rejected" }] },
    });
    expect(set({ name: "ChargingStation" }, { name: "SupplyPhases" }, "1")).toMatchObject({
      payload: { setVariableResult: [{ attributeStatus: "Rejected" }] },
    });
    expect(
      respond201(station, "GetVariables", {
        getVariableData: [
          { component, variable: heartbeat },
          { component, variable: { name: "Nope" } },
          { component: { name: "NopeCtrlr" }, variable: heartbeat },
        ],
      }).answer,
    ).toMatchObject({
      payload: {
        getVariableResult: [
          { attributeStatus: "Accepted", attributeValue: "120" },
          { attributeStatus: "UnknownVariable" },
          { attributeStatus: "UnknownComponent" },
        ],
      },
    });
  });

  it("reports its device model after GetBaseReport", () => {
    const { effects } = respond201(state(), "GetBaseReport", {
      requestId: 4,
      reportBase: "FullInventory",
    });
    expect(effects).toHaveLength(1);
    const [report] = effects;
    expect(report).toMatchObject({
      kind: "send",
      action: "NotifyReport",
      payload: { requestId: 4, seqNo: 0, tbc: false },
    });
    if (report?.kind === "send")
      expect(report.payload.reportData).toContainEqual(
        expect.objectContaining({
          component,
          variable: heartbeat,
          variableAttribute: [{ type: "Actual", value: "300", mutability: "ReadWrite" }],
        }),
      );
  });

  it("follows ChangeAvailability, and reserves and cancels EVSEs", () => {
    const station = state();
    expect(
      respond201(station, "ChangeAvailability", { operationalStatus: "Inoperative" }),
    ).toMatchObject({
      answer: { payload: { status: "Scheduled" } },
      effects: [{ kind: "status", connectorId: 2, status: "Unavailable" }],
    });
    const reserve = {
      id: 1,
      expiryDateTime: "2030-01-01T00:00:00Z",
      idToken: { idToken: "T", type: "ISO14443" },
      evseId: 2,
    };
    expect(respond201(station, "ReserveNow", reserve).answer).toMatchObject({
      payload: { status: "Unavailable" },
    });
    respond201(station, "ChangeAvailability", { operationalStatus: "Operative" });
    expect(respond201(station, "ReserveNow", reserve)).toMatchObject({
      answer: { payload: { status: "Accepted" } },
      effects: [{ kind: "status", connectorId: 2, status: "Reserved" }],
    });
    expect(respond201(station, "CancelReservation", { reservationId: 1 }).answer).toMatchObject({
      payload: { status: "Accepted" },
    });
    expect(
      respond201(station, "UnlockConnector", { evseId: 1, connectorId: 1 }).answer,
    ).toMatchObject({
      payload: { status: "OngoingAuthorizedTransaction" },
    });
    expect(
      respond201(station, "UnlockConnector", { evseId: 3, connectorId: 1 }).answer,
    ).toMatchObject({
      payload: { status: "UnknownConnector" },
    });
  });
});
