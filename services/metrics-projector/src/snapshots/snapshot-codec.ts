import { promisify } from "node:util";
import { gunzip, gzip } from "node:zlib";
import { type Static, Type } from "@sinclair/typebox";
import { Ajv } from "ajv";
import { Map as ImmutableMap, OrderedMap } from "immutable";
import type { ProjectionState } from "../state/projection-state.js";
import {
  AwaitedDecisionSchema,
  CommandDurationsSchema,
  CommandRequestSchema,
  CpAutomationsSchema,
  CpStateSchema,
  GatewayStateSchema,
  HistogramSchema,
  SessionStateSchema,
} from "../state/state-schema.js";

/** Bumped whenever the projection's state or its meaning changes: older snapshots are then ignored. */
export const SNAPSHOT_VERSION = 7;

const entries = <T extends Parameters<typeof Type.Tuple>[0][1]>(value: T) =>
  Type.Array(Type.Tuple([Type.String(), value]));

const SnapshotSchema = Type.Object({
  v: Type.Literal(SNAPSHOT_VERSION),
  /** The stream sequence of the last message the state includes. */
  sequence: Type.Integer({ minimum: 0 }),
  takenAt: Type.Integer({ minimum: 0 }),
  cps: entries(CpStateSchema),
  sessions: entries(SessionStateSchema),
  gateways: entries(GatewayStateSchema),
  producers: entries(Type.Integer({ minimum: 1 })),
  orphanedTransactions: Type.Integer({ minimum: 0 }),
  dropped: Type.Object({
    chargePoints: Type.Integer({ minimum: 0 }),
    errorTypes: Type.Integer({ minimum: 0 }),
  }),
  commands: Type.Object({
    inFlight: entries(CommandRequestSchema),
    outcomes: entries(Type.Integer({ minimum: 0 })),
    durations: entries(CommandDurationsSchema),
    sweptAt: Type.Integer({ minimum: 0 }),
  }),
  transactions: Type.Object({ durations: HistogramSchema, energy: HistogramSchema }),
  automations: Type.Object({
    outcomes: entries(Type.Integer({ minimum: 0 })),
    awaiting: entries(AwaitedDecisionSchema),
    commands: entries(AwaitedDecisionSchema),
    cps: entries(CpAutomationsSchema),
  }),
});

const validate = new Ajv({ strict: true }).compile<Static<typeof SnapshotSchema>>(SnapshotSchema);
const compress = promisify(gzip);
const decompress = promisify(gunzip);

/** A projection state and the position in the stream it was taken at. */
export interface Snapshot {
  readonly sequence: number;
  readonly takenAt: number;
  readonly state: ProjectionState;
}

/** Serialises and compresses a snapshot (compression runs off the event loop). */
export async function encodeSnapshot(snapshot: Snapshot): Promise<Uint8Array> {
  const { state } = snapshot;
  const body = {
    v: SNAPSHOT_VERSION,
    sequence: snapshot.sequence,
    takenAt: snapshot.takenAt,
    cps: [...state.cps],
    sessions: [...state.sessions],
    gateways: [...state.gateways],
    producers: [...state.producers],
    orphanedTransactions: state.orphanedTransactions,
    dropped: state.dropped,
    commands: {
      inFlight: [...state.commands.inFlight],
      outcomes: [...state.commands.outcomes],
      durations: [...state.commands.durations],
      sweptAt: state.commands.sweptAt,
    },
    transactions: state.transactions,
    automations: {
      outcomes: [...state.automations.outcomes],
      awaiting: [...state.automations.awaiting],
      commands: [...state.automations.commands],
      cps: [...state.automations.cps],
    },
  };
  return compress(Buffer.from(JSON.stringify(body)));
}

/** Reads a snapshot back; any other version, or anything unreadable, is an error to log and ignore. */
export async function decodeSnapshot(
  data: Uint8Array,
): Promise<{ ok: true; snapshot: Snapshot } | { ok: false; reason: string }> {
  let value: unknown;
  try {
    value = JSON.parse((await decompress(data)).toString("utf8"));
  } catch {
    return { ok: false, reason: "snapshot is not gzipped JSON" };
  }
  const version = (value as { v?: unknown } | null)?.v;
  if (version !== SNAPSHOT_VERSION) {
    return { ok: false, reason: `snapshot version ${String(version)} is not ${SNAPSHOT_VERSION}` };
  }
  if (!validate(value)) {
    const first = validate.errors?.[0];
    return {
      ok: false,
      reason: `snapshot does not match version ${SNAPSHOT_VERSION}: ${first?.instancePath} ${first?.message}`,
    };
  }
  return {
    ok: true,
    snapshot: {
      sequence: value.sequence,
      takenAt: value.takenAt,
      state: {
        cps: ImmutableMap(value.cps),
        sessions: ImmutableMap(value.sessions),
        gateways: ImmutableMap(value.gateways),
        producers: OrderedMap(value.producers),
        orphanedTransactions: value.orphanedTransactions,
        dropped: value.dropped,
        commands: {
          inFlight: ImmutableMap(value.commands.inFlight),
          outcomes: ImmutableMap(value.commands.outcomes),
          durations: ImmutableMap(value.commands.durations),
          sweptAt: value.commands.sweptAt,
        },
        transactions: value.transactions,
        automations: {
          outcomes: ImmutableMap(value.automations.outcomes),
          awaiting: OrderedMap(value.automations.awaiting),
          commands: OrderedMap(value.automations.commands),
          cps: ImmutableMap(value.automations.cps),
        },
      },
    },
  };
}
