import {
  type AutomationEventType,
  CLOSE_REASONS,
  COMMAND_FAILURES,
  type CommandEventType,
  type CpEventType,
  EVENT_VERSION,
  type EventOf,
  type GatewayEventType,
  type LevityEvent,
  type MeterSample,
  type PayloadOf,
} from "@levity/events";
import fc from "fast-check";

// Arbitraries of events that pass the contract. Identities come from small pools so that random
// events collide: sessions of unknown gateways, stops before starts, closes of closed sessions,
// unknown transaction ids and events out of order all arise from plain random sequences.

/** Keys that name Object.prototype members: state keyed by them must not reach the prototype. */
export const PROTOTYPE_KEYS = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"];

/** The pools events draw their identities from. */
export interface World {
  readonly cpIds: readonly string[];
  readonly errorCodes: readonly string[];
}

/** A string of exactly `length` code points (the schema counts code points, not UTF-16 units). */
function atLimit(length: number): fc.Arbitrary<string> {
  const hostile = '"\\\n'.repeat(length).slice(0, length);
  return fc.constantFrom("x".repeat(length), "🚗".repeat(length), hostile);
}

/** Any text the schema allows: mostly short, sometimes any code point, sometimes at the limit. */
export function text(maxLength: number, minLength = 0): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.string({ minLength, maxLength: Math.min(maxLength, 12) }) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", minLength, maxLength }) },
    { weight: 1, arbitrary: atLimit(maxLength) },
  );
}

const pool = (values: readonly string[]) => fc.constantFrom(...values);
/** Mostly the common values, so that events meet; now and then an odd one. */
const mostly = (common: readonly string[], rare: readonly string[]) =>
  fc.oneof({ weight: 6, arbitrary: pool(common) }, { weight: 1, arbitrary: pool(rare) });

export const DEFAULT_WORLD: World = {
  cpIds: [
    "CP-1",
    "CP-2",
    "CP-3",
    'CP "4"\\\n',
    "充电桩-5",
    "x".repeat(255),
    "🚗".repeat(255),
    ...PROTOTYPE_KEYS,
  ],
  errorCodes: [
    "NoError",
    "NoError",
    "GroundFailure",
    "OverVoltage",
    "E".repeat(50),
    ...PROTOTYPE_KEYS,
  ],
};

const sessionIds = mostly(["s1", "s2", "s3", "s4", "s5"], ["s".repeat(64), "__proto__"]);
const gatewayIds = mostly(["gw-a", "gw-b"], ["g".repeat(128), "constructor"]);
const instances = mostly(["a1", "a2"], ["i".repeat(64), "toString"]);
const transactionIds = mostly(["1", "2", "3"], ["t".repeat(64), "__proto__"]);
const evseIds = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(0, 1, 2, 65535) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 65535 }) },
);
const connectorIds = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(1, 2) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 65535 }) },
);
const sequence = {
  seqNo: fc.nat(),
  offline: fc.boolean(),
  triggerReason: fc.oneof(pool(["Authorized", "EVConnected", "RemoteStart"]), text(32)),
};
const statuses = fc.oneof(
  pool(["Available", "Preparing", "Charging", "SuspendedEV", "Finishing", "Faulted"]),
  text(32, 1),
);

const T0 = 1_700_000_000_000;
/** Epoch ms: mostly within one day, in any order, sometimes 0 or far beyond any real clock. */
export const epochMs = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: T0, max: T0 + 86_400_000 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, Number.MAX_SAFE_INTEGER, 1e300, Number.MAX_VALUE) },
);
const anyNumber = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, 16, 32.5, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE),
);
const anyInteger = fc.oneof(fc.integer(), fc.constantFrom(Number.MAX_SAFE_INTEGER, -1e300, 1e300));

/** A record whose keys not in `requiredKeys` may be absent, like the schema's optional fields. */
const record = <T, K extends keyof T>(
  model: { [P in keyof T]: fc.Arbitrary<T[P]> },
  requiredKeys: K[],
) => fc.record(model, { requiredKeys, noNullPrototype: true });

const sample: fc.Arbitrary<MeterSample> = record(
  {
    timestamp: epochMs,
    measurand: fc.oneof(pool(["Current.Import", "Current.Import", "Voltage"]), text(64, 1)),
    value: anyNumber,
    unit: fc.oneof(pool(["A", "A", "Wh", "W"]), text(16, 1)),
    phase: fc.oneof(pool(["L1", "L2", "L3", "N", "L1-N"]), text(8)),
    context: text(32),
    location: text(16),
  },
  ["timestamp", "measurand", "value", "unit"],
);
const samples = fc.array(sample, { maxLength: 6 });

function cpEvent<K extends CpEventType>(
  type: K,
  payload: fc.Arbitrary<PayloadOf<K>>,
  world: World,
): fc.Arbitrary<EventOf<K>> {
  return fc
    .record({
      head: fc.record({
        id: text(255, 1),
        gatewayId: gatewayIds,
        cpId: pool(world.cpIds),
        sessionId: sessionIds,
        ts: epochMs,
      }),
      callId: fc.option(text(36, 1), { nil: undefined }),
      payload,
    })
    .map(
      ({ head, callId, payload }) =>
        ({
          ...head,
          type,
          v: EVENT_VERSION,
          ...(callId === undefined ? {} : { callId }),
          payload,
        }) as EventOf<K>,
    );
}

function gatewayEvent<K extends GatewayEventType>(
  type: K,
  payload: fc.Arbitrary<PayloadOf<K>>,
): fc.Arbitrary<EventOf<K>> {
  return fc
    .record({ id: text(255, 1), gatewayId: gatewayIds, ts: epochMs, payload })
    .map((fields) => ({ ...fields, type, v: EVENT_VERSION }) as EventOf<K>);
}

function commandEvent<K extends CommandEventType>(
  type: K,
  payload: fc.Arbitrary<PayloadOf<K>>,
  world: World,
): fc.Arbitrary<EventOf<K>> {
  return fc
    .record({
      id: text(255, 1),
      gatewayId: gatewayIds,
      cpId: pool(world.cpIds),
      commandId: commandIds,
      ts: epochMs,
      payload,
    })
    .map((fields) => ({ ...fields, type, v: EVENT_VERSION }) as EventOf<K>);
}

const commandIds = mostly(["c1", "c2", "c3"], ["c".repeat(64), "__proto__"]);

const commandActions = mostly(
  ["Reset", "UnlockConnector", "TriggerMessage"],
  ["X".repeat(64), "constructor"],
);
const ocppObject = fc.dictionary(text(16, 1), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });

// Decision ids are also their commands' idempotency keys: drawn from one pool, so they meet.
const decisionIds = mostly(["d1", "d2", "d3"], ["d".repeat(255), "__proto__"]);
const automationNames = mostly(["free-vend", "reset"], ["a".repeat(64), "constructor"]);

function automationEvent<K extends AutomationEventType>(
  type: K,
  payload: fc.Arbitrary<PayloadOf<K>>,
  world: World,
): fc.Arbitrary<EventOf<K>> {
  return fc
    .record({
      id: decisionIds,
      gatewayId: gatewayIds,
      cpId: pool(world.cpIds),
      ts: epochMs,
      payload,
    })
    .map((fields) => ({ ...fields, type, v: EVENT_VERSION }) as EventOf<K>);
}

const automationPayloads: AutomationPayloads = {
  "automation.decided": record(
    {
      automation: automationNames,
      kind: text(64, 1),
      trigger: text(255, 1),
      decision: fc.constantFrom("act" as const, "skip" as const),
      reason: text(255, 1),
      command: fc.record({
        action: commandActions,
        request: ocppObject,
        deadline: epochMs,
      }),
      quarantine: fc.boolean(),
    },
    ["automation", "kind", "trigger", "decision"],
  ),
  "automation.cleared": fc.record({ automation: automationNames, by: text(64, 1) }),
};

const commandPayloads: CommandPayloads = {
  "command.requested": record(
    {
      action: commandActions,
      request: ocppObject,
      requestedBy: text(64, 1),
      deadline: epochMs,
      idempotencyKey: fc.oneof(decisionIds, text(255, 1)),
      sessionId: sessionIds,
      protocol: text(32, 1),
    },
    ["action", "request", "requestedBy", "deadline"],
  ),
  "command.completed": record(
    {
      action: commandActions,
      requestedAt: epochMs,
      requestedBy: text(64, 1),
      response: ocppObject,
      sessionId: sessionIds,
    },
    ["action", "requestedAt", "requestedBy", "response"],
  ),
  "command.failed": record(
    {
      action: commandActions,
      requestedAt: epochMs,
      requestedBy: text(64, 1),
      reason: fc.constantFrom(...COMMAND_FAILURES),
      errorCode: text(64),
      errorDescription: text(255),
      detail: text(1024),
      sessionId: sessionIds,
    },
    ["action", "requestedAt", "requestedBy", "reason"],
  ),
};

type AutomationPayloads = { readonly [K in AutomationEventType]: fc.Arbitrary<PayloadOf<K>> };
type CommandPayloads = { readonly [K in CommandEventType]: fc.Arbitrary<PayloadOf<K>> };
type CpPayloads = { readonly [K in CpEventType]: fc.Arbitrary<PayloadOf<K>> };
type GatewayPayloads = { readonly [K in GatewayEventType]: fc.Arbitrary<PayloadOf<K>> };

function cpPayloads(world: World): CpPayloads {
  const requestStatus = record({ status: text(64, 1), requestId: anyInteger }, ["status"]);
  return {
    "session.opened": record(
      {
        protocol: fc.oneof(pool(["ocpp1.6", "ocpp2.0.1"]), text(32, 1)),
        instance: instances,
        remoteAddress: text(64),
      },
      ["protocol", "instance"],
    ),
    "session.closed": record(
      { reason: fc.constantFrom(...CLOSE_REASONS), code: fc.integer({ min: 0, max: 4999 }) },
      ["reason"],
    ),
    "cp.boot": record(
      { vendor: text(50, 1), model: text(50, 1), firmwareVersion: text(50), iccid: text(20) },
      ["vendor", "model"],
    ),
    "cp.heartbeat": fc.constant({}),
    "cp.status": record(
      {
        evseId: evseIds,
        connectorId: connectorIds,
        status: statuses,
        info: text(255),
        vendorErrorCode: text(255),
        timestamp: epochMs,
      },
      ["evseId", "status"],
    ),
    "cp.fault": record(
      {
        evseId: evseIds,
        connectorId: connectorIds,
        code: pool(world.errorCodes),
        active: fc.boolean(),
        info: text(255),
        eventId: anyInteger,
        timestamp: epochMs,
      },
      ["evseId", "code", "active"],
    ),
    "cp.authorize": record({ idTag: text(64), status: text(32, 1) }, ["idTag", "status"]),
    "cp.firmware-status": requestStatus,
    "cp.diagnostics-status": requestStatus,
    "cp.security-event": record({ type: text(50, 1), timestamp: epochMs, techInfo: text(255) }, [
      "type",
      "timestamp",
    ]),
    "cp.data-transfer": record(
      { vendorId: text(255, 1), messageId: text(50), status: text(32, 1) },
      ["vendorId", "status"],
    ),
    "cp.certificate-request": record({ certificateType: text(64), status: text(32, 1) }, [
      "status",
    ]),
    "tx.started": record(
      {
        evseId: evseIds,
        connectorId: connectorIds,
        transactionId: transactionIds,
        idTag: text(64),
        idTokenType: text(32),
        meterStartWh: anyNumber,
        timestamp: epochMs,
        reservationId: anyInteger,
        remoteStartId: anyInteger,
        samples,
        ...sequence,
      },
      ["evseId", "transactionId", "timestamp"],
    ),
    "tx.updated": record(
      {
        transactionId: transactionIds,
        evseId: evseIds,
        connectorId: connectorIds,
        timestamp: epochMs,
        chargingState: text(32),
        idTag: text(64),
        idTokenType: text(32),
        remoteStartId: anyInteger,
        samples,
        ...sequence,
      },
      ["transactionId", "timestamp"],
    ),
    "tx.stopped": record(
      {
        transactionId: transactionIds,
        evseId: evseIds,
        connectorId: connectorIds,
        meterStopWh: anyNumber,
        timestamp: epochMs,
        reason: text(32),
        samples,
        ...sequence,
      },
      ["transactionId", "timestamp"],
    ),
    "meter.values": record(
      { evseId: evseIds, connectorId: connectorIds, transactionId: transactionIds, samples },
      ["evseId", "samples"],
    ),
  };
}

const gatewayPayloads: GatewayPayloads = {
  "gateway.alive": fc.record({
    instance: instances,
    startedAt: epochMs,
    sessions: fc.oneof(fc.nat(), fc.constant(Number.MAX_SAFE_INTEGER)),
  }),
  "gateway.stopped": fc.record({ instance: instances }),
  "gateway.lost": fc.record({ instance: instances, lastAliveAt: epochMs }),
};

// How often each type comes: those that open, close and end things most, so that they meet.
const WEIGHTS: { readonly [K in LevityEvent["type"]]: number } = {
  "session.opened": 6,
  "session.closed": 3,
  "cp.boot": 2,
  "cp.heartbeat": 1,
  "cp.status": 4,
  "cp.fault": 2,
  "cp.authorize": 1,
  "cp.firmware-status": 1,
  "cp.diagnostics-status": 1,
  "cp.security-event": 1,
  "cp.data-transfer": 1,
  "cp.certificate-request": 1,
  "tx.started": 4,
  "tx.updated": 3,
  "tx.stopped": 3,
  "meter.values": 3,
  "command.requested": 2,
  "command.completed": 1,
  "command.failed": 1,
  "gateway.alive": 3,
  "gateway.stopped": 2,
  "gateway.lost": 2,
  "automation.decided": 2,
  "automation.cleared": 1,
};

/** One event of any type of the contract, valid, with identities drawn from `world`. */
export function eventArbitrary(world: World = DEFAULT_WORLD): fc.Arbitrary<LevityEvent> {
  const payloads = cpPayloads(world);
  const cpTypes = Object.keys(payloads) as CpEventType[];
  const gatewayTypes = Object.keys(gatewayPayloads) as GatewayEventType[];
  const commandTypes = Object.keys(commandPayloads) as CommandEventType[];
  const automationTypes = Object.keys(automationPayloads) as AutomationEventType[];
  return fc.oneof(
    ...automationTypes.map((type) => ({
      weight: WEIGHTS[type],
      arbitrary: automationEvent(type, automationPayloads[type], world),
    })),
    ...commandTypes.map((type) => ({
      weight: WEIGHTS[type],
      arbitrary: commandEvent(type, commandPayloads[type], world),
    })),
    ...cpTypes.map((type) => ({
      weight: WEIGHTS[type],
      arbitrary: cpEvent(type, payloads[type], world),
    })),
    ...gatewayTypes.map((type) => ({
      weight: WEIGHTS[type],
      arbitrary: gatewayEvent(type, gatewayPayloads[type]),
    })),
  );
}

/** Sequences of valid events: any order, any mix. */
export function eventsArbitrary(
  world: World = DEFAULT_WORLD,
  maxLength = 80,
): fc.Arbitrary<LevityEvent[]> {
  return fc.array(eventArbitrary(world), { maxLength, size: "max" });
}
