import type { MeterSample, PayloadOf } from "@levity/events";
import { inService } from "./availability.js";
import { measuredCurrent, measuredPower } from "./measurements.js";
import { applyReading, registerReadings } from "./meter-register.js";
import type {
  ConnectorState,
  CpState,
  EndedTransactionState,
  TransactionState,
} from "./projection-state.js";

// Pure updates of one charge point's state. Each returns its input unchanged or a new CpState
// made in the call (and how many transactions it ended without a StopTransaction), never
// modifying its input: `seen` relies on it.

const IDLE: ConnectorState = { transaction: null, currentA: 0, powerW: 0 };
// A connector in these states has no transaction (OCPP 1.6, 4.9): one still open never got its
// stop. It is in service too: no ChangeAvailability made it Inoperative.
const NO_TRANSACTION_STATUSES = new Set(["Available", "Preparing"]);

/** A transaction the charger stopped: its duration (charger's clock) and energy, for the fleet. */
export interface EndedTransaction {
  readonly durationMs: number;
  readonly energyWh: number;
}

export interface CpUpdate {
  readonly cp: CpState;
  readonly orphaned: number;
  readonly ended?: EndedTransaction;
  /** A new error code was not counted because the charge point has `maxErrorTypes` already. */
  readonly errorTypeDropped?: boolean;
}

function withConnector(cp: CpState, key: string, connector: ConnectorState): CpState {
  return { ...cp, connectors: { ...cp.connectors, [key]: connector } };
}

/**
 * Any message proves the charge point is alive: `after` is what the message made of `before`,
 * either `before` itself or a value the same transition has just made, which no one else holds
 * yet, so it takes the time in place instead of being copied a second time (most events make one).
 */
export function seen(before: CpState, after: CpState, ts: number): CpState {
  if (ts <= after.lastSeenAt) return after;
  if (after === before) return { ...after, lastSeenAt: ts };
  (after as { lastSeenAt: number }).lastSeenAt = ts;
  return after;
}

/**
 * A record's own entry. Error codes come from charge points, so one named "constructor" must find
 * nothing rather than Object.prototype's member.
 */
function own(record: Readonly<Record<string, number>>, key: string): number | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** How many boot times a charge point remembers: the most boots a reboot-loop window may count. */
export const MAX_BOOT_TIMES = 16;

export function boot(
  cp: CpState,
  payload: PayloadOf<"cp.boot">,
  duringTransaction: boolean,
  ts: number,
): CpState {
  return {
    ...cp,
    boots: cp.boots + 1,
    bootsDuringTx: cp.bootsDuringTx + (duringTransaction ? 1 : 0),
    info: { vendor: payload.vendor, model: payload.model, firmware: payload.firmwareVersion ?? "" },
    bootTimes: [...(cp.bootTimes ?? []), ts].slice(-MAX_BOOT_TIMES),
  };
}

export function heartbeat(cp: CpState, ts: number): CpState {
  return { ...cp, lastHeartbeatAt: Math.max(ts, cp.lastHeartbeatAt ?? 0) };
}

/**
 * The projection's connector is the EVSE: transactions and current run per EVSE (in 1.6, connector
 * n is EVSE n), so its key is the EVSE id whatever connector of it a fact names.
 */
function keyOf(evseId: number): string {
  return String(evseId);
}

/** A raised fault counts against its code; a cleared one changes no count. */
export function fault(
  cp: CpState,
  payload: PayloadOf<"cp.fault">,
  ts: number,
  maxErrorTypes: number,
): CpUpdate {
  if (!payload.active) return { cp, orphaned: 0 };
  const code = payload.code;
  const known = own(cp.errors, code) !== undefined;
  if (!known && Object.keys(cp.errors).length >= maxErrorTypes)
    return { cp, orphaned: 0, errorTypeDropped: true };
  return {
    cp: {
      ...cp,
      errors: { ...cp.errors, [code]: (own(cp.errors, code) ?? 0) + 1 },
      lastErrorAt: { ...cp.lastErrorAt, [code]: Math.max(ts, own(cp.lastErrorAt, code) ?? 0) },
    },
    orphaned: 0,
  };
}

/**
 * The statuses a connector can report, 1.6's and 2.0.1's: the fixed set of the connector status
 * series. Any other value (no gateway stores one) leaves the status as it was.
 */
export const CONNECTOR_STATUSES = [
  "Available",
  "Preparing",
  "Charging",
  "SuspendedEVSE",
  "SuspendedEV",
  "Finishing",
  "Reserved",
  "Unavailable",
  "Faulted",
  "Occupied",
] as const;
const KNOWN_STATUSES: ReadonlySet<string> = new Set(CONNECTOR_STATUSES);

/** The connector in `status` from `ts`, or since it entered it, if it was already in it. */
function inStatus(connector: ConnectorState, status: string, ts: number): ConnectorState {
  if (!KNOWN_STATUSES.has(status) || connector.status === status) return connector;
  return { ...connector, status, statusSince: ts };
}

export function status(cp: CpState, payload: PayloadOf<"cp.status">, ts: number): CpUpdate {
  const operative = NO_TRANSACTION_STATUSES.has(payload.status);
  const key = keyOf(payload.evseId);
  if (payload.evseId === 0) return { cp: operative ? inService(cp, key) : cp, orphaned: 0 };
  const connector = cp.connectors[key] ?? IDLE;
  if (connector.transaction && operative) {
    const idle = { ...inStatus(connector, payload.status, ts), ...IDLE };
    return {
      cp: inService(orphan(withConnector(cp, key, idle), connector.transaction, key, ts), key),
      orphaned: 1,
    };
  }
  const next = withConnector(cp, key, inStatus(connector, payload.status, ts));
  return { cp: operative ? inService(next, key) : next, orphaned: 0 };
}

/** How many ended transactions a charge point remembers: against late events, and for the read API. */
export const MAX_ENDED_TRANSACTIONS = 16;

function endedEntry(cp: CpState, transactionId: string): EndedTransactionState | undefined {
  return cp.endedTransactions?.find((entry) => entry.id === transactionId);
}

// Ordered by when the projection saw each end (receive times, not the chargers' clocks, which
// reset and drift), then id. Beyond the bound the oldest other one goes, never the one just
// ended, which must be remembered against its own repeats.
function withEnded(cp: CpState, entry: EndedTransactionState): CpState {
  const ended = [
    ...(cp.endedTransactions ?? []).filter((known) => known.id !== entry.id),
    entry,
  ].sort((a, b) => a.endedAt - b.endedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (ended.length > MAX_ENDED_TRANSACTIONS) ended.splice(ended[0]?.id === entry.id ? 1 : 0, 1);
  return { ...cp, endedTransactions: ended };
}

function touched(cp: CpState, ts: number): CpState {
  return { ...cp, lastTransactionAt: Math.max(ts, cp.lastTransactionAt) };
}

/** The EVSE key where a transaction runs: named by the event, else wherever it is open. */
function transactionKey(cp: CpState, transactionId: string, evseId?: number): string | undefined {
  if (evseId !== undefined) return keyOf(evseId);
  return Object.keys(cp.connectors).find(
    (candidate) => cp.connectors[candidate]?.transaction?.id === transactionId,
  );
}

/**
 * Applies what samples measured to the transaction open on `key`: the register's increments as
 * energy delivered (to the transaction and the charge point), and the latest current and power.
 */
function metered(cp: CpState, key: string, samples: readonly MeterSample[]): CpState {
  const connector = cp.connectors[key];
  const transaction = connector?.transaction;
  if (!connector || !transaction) return cp;
  let track: TransactionState = transaction;
  let delivered = 0;
  for (const reading of registerReadings(samples)) {
    const applied = applyReading(track, reading);
    track = { ...track, ...applied.track };
    delivered += applied.deltaWh;
  }
  return {
    ...cp,
    connectors: {
      ...cp.connectors,
      [key]: {
        ...connector,
        transaction: track,
        currentA: measuredCurrent(samples) ?? connector.currentA,
        powerW: measuredPower(samples) ?? connector.powerW,
      },
    },
    energyWh: cp.energyWh + delivered,
  };
}

/** The charge point with one more transaction ended. */
function counted(cp: CpState): CpState {
  return { ...cp, transactions: cp.transactions + 1 };
}

/** A transaction ended without its stop: counted, and remembered so a late stop is not counted again. */
function orphan(cp: CpState, transaction: TransactionState, key: string, ts: number): CpState {
  return counted(
    withEnded(cp, {
      id: transaction.id,
      stoppedAt: ts,
      endedAt: ts,
      observed: true,
      evseId: Number(key),
      startedAt: transaction.startTimestamp,
      energyWh: transaction.energyWh,
      orphaned: true,
    }),
  );
}

/**
 * The start of a transaction whose stop came first (events sent out of order): its duration
 * and the energy between its start and stop registers are counted now, once.
 */
function startedAfterStop(
  cp: CpState,
  ended: EndedTransactionState,
  payload: PayloadOf<"tx.started">,
): CpUpdate {
  let energyWh = 0;
  if (payload.meterStartWh !== undefined && ended.stopWh !== undefined) {
    const start = { energyWh: 0, registerWh: payload.meterStartWh, registerAt: payload.timestamp };
    energyWh = applyReading(start, { at: ended.stoppedAt, wh: ended.stopWh }).deltaWh;
  }
  const { stopWh: _counted, ...entry } = ended;
  return {
    cp: withEnded(
      { ...cp, energyWh: cp.energyWh + energyWh },
      {
        ...entry,
        observed: true,
        evseId: payload.evseId,
        startedAt: payload.timestamp,
        energyWh,
      },
    ),
    orphaned: 0,
    ended: { durationMs: Math.max(0, ended.stoppedAt - payload.timestamp), energyWh },
  };
}

/**
 * Opens a transaction on its EVSE. A transaction already ended, or already open, is not opened
 * again (2.0.1 repeats events it got no answer to). A live start on an EVSE whose previous
 * transaction never got its stop ends that one as orphaned; an `offline` start (sent after a
 * reconnect) is history and never displaces the live state.
 */
export function transactionStarted(
  cp: CpState,
  payload: PayloadOf<"tx.started">,
  ts: number,
): CpUpdate {
  const next = touched(cp, ts);
  const key = keyOf(payload.evseId);
  const previous = cp.connectors[key]?.transaction;
  if (previous?.id === payload.transactionId) return { cp: next, orphaned: 0 };
  const ended = endedEntry(cp, payload.transactionId);
  // An ended one is history: its EVSE is known from now on, as it would be had the start come first.
  if (ended) {
    const known = cp.connectors[key] ? next : withConnector(next, key, IDLE);
    return ended.observed ? { cp: known, orphaned: 0 } : startedAfterStop(known, ended, payload);
  }
  if (previous && payload.offline) return { cp: next, orphaned: 0 };
  const start = payload.meterStartWh;
  const opened = withConnector(previous ? orphan(next, previous, key, ts) : next, key, {
    ...(cp.connectors[key] ?? IDLE),
    transaction: {
      id: payload.transactionId,
      startedAt: ts,
      startTimestamp: payload.timestamp,
      energyWh: 0,
      ...(start === undefined ? {} : { registerWh: start, registerAt: payload.timestamp }),
      ...(payload.seqNo === undefined ? {} : { seqNo: payload.seqNo }),
    },
    currentA: 0,
    powerW: 0,
  });
  return {
    cp: payload.samples ? metered(opened, key, payload.samples) : opened,
    orphaned: previous ? 1 : 0,
  };
}

/**
 * A transaction going on: its measurements apply when they are newer (by seqNo) than those
 * applied, so repeated or late updates change nothing. An update never opens a transaction.
 */
export function transactionUpdated(
  cp: CpState,
  payload: PayloadOf<"tx.updated">,
  ts: number,
): CpState {
  const next = touched(cp, ts);
  const key = transactionKey(cp, payload.transactionId, payload.evseId);
  const connector = key === undefined ? undefined : cp.connectors[key];
  const transaction = connector?.transaction;
  if (key === undefined || !connector || transaction?.id !== payload.transactionId) return next;
  if (
    payload.seqNo !== undefined &&
    transaction.seqNo !== undefined &&
    payload.seqNo <= transaction.seqNo
  )
    return next;
  const sequenced = withConnector(next, key, {
    ...connector,
    transaction:
      payload.seqNo === undefined ? transaction : { ...transaction, seqNo: payload.seqNo },
  });
  return payload.samples ? metered(sequenced, key, payload.samples) : sequenced;
}

/**
 * Ends the transaction wherever it runs, and remembers it ended; an unknown id still counts as
 * transaction activity. A late (`offline`) end is applied like any other: it is never dropped.
 */
export function transactionStopped(
  cp: CpState,
  payload: PayloadOf<"tx.stopped">,
  ts: number,
): CpUpdate {
  const next = touched(cp, ts);
  if (endedEntry(cp, payload.transactionId)) return { cp: next, orphaned: 0 };
  const stop: MeterSample[] =
    payload.meterStopWh === undefined
      ? []
      : [
          {
            timestamp: payload.timestamp,
            measurand: "Energy.Active.Import.Register",
            unit: "Wh",
            value: payload.meterStopWh,
          },
        ];
  const readings = [...(payload.samples ?? []), ...stop];
  const key = transactionKey(cp, payload.transactionId, payload.evseId);
  const transaction = key === undefined ? undefined : cp.connectors[key]?.transaction;
  const entry = {
    id: payload.transactionId,
    stoppedAt: payload.timestamp,
    endedAt: ts,
    ...(payload.reason === undefined ? {} : { reason: payload.reason }),
  };
  if (key === undefined || transaction?.id !== payload.transactionId) {
    // Its start is not known (yet): counted as ended now, measured if the start comes later.
    const stopWh = registerReadings(readings).at(-1)?.wh;
    const remembered = {
      ...entry,
      observed: false,
      ...(payload.evseId === undefined ? {} : { evseId: payload.evseId }),
      ...(stopWh === undefined ? {} : { stopWh }),
    };
    return { cp: counted(withEnded(next, remembered)), orphaned: 0 };
  }
  const final = metered(next, key, readings);
  const energyWh = final.connectors[key]?.transaction?.energyWh ?? 0;
  return {
    cp: counted(
      withEnded(withConnector(final, key, { ...final.connectors[key], ...IDLE }), {
        ...entry,
        observed: true,
        evseId: Number(key),
        startedAt: transaction.startTimestamp,
        energyWh,
      }),
    ),
    orphaned: 0,
    ended: {
      durationMs: Math.max(0, payload.timestamp - transaction.startTimestamp),
      energyWh,
    },
  };
}

export function meterValues(cp: CpState, payload: PayloadOf<"meter.values">): CpState {
  const key = keyOf(payload.evseId);
  const connector = cp.connectors[key] ?? IDLE;
  const transaction = connector.transaction;
  // Samples of a transaction that already ended must not revive its current nor count energy.
  if (payload.transactionId !== undefined && transaction?.id !== payload.transactionId) return cp;
  if (transaction) return metered(cp, key, payload.samples);
  const current = measuredCurrent(payload.samples);
  if (current === undefined) return cp;
  return withConnector(cp, key, { ...connector, currentA: current });
}
