import type { PayloadOf } from "@levity/events";
import { measuredCurrent } from "./measured-current.js";
import type { ConnectorState, CpState } from "./projection-state.js";

// Pure updates of one charge point's state. Each returns a new CpState (and how many
// transactions it ended without a StopTransaction), never modifying its input.

const IDLE: ConnectorState = { transaction: null, currentA: 0 };
// A connector in these states has no transaction (OCPP 1.6, 4.9): one still open never got its stop.
const NO_TRANSACTION_STATUSES = new Set(["Available", "Preparing"]);

export interface CpUpdate {
  readonly cp: CpState;
  readonly orphaned: number;
  /** A new error code was not counted because the charge point has `maxErrorTypes` already. */
  readonly errorTypeDropped?: boolean;
}

function withConnector(cp: CpState, key: string, connector: ConnectorState): CpState {
  return { ...cp, connectors: { ...cp.connectors, [key]: connector } };
}

/** Any message proves the charge point is alive. */
export function seen(cp: CpState, ts: number): CpState {
  return ts > cp.lastSeenAt ? { ...cp, lastSeenAt: ts } : cp;
}

/**
 * A record's own entry. Error codes come from charge points, so one named "constructor" must find
 * nothing rather than Object.prototype's member.
 */
function own(record: Readonly<Record<string, number>>, key: string): number | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

export function boot(
  cp: CpState,
  payload: PayloadOf<"cp.boot">,
  duringTransaction: boolean,
): CpState {
  return {
    ...cp,
    boots: cp.boots + 1,
    bootsDuringTx: cp.bootsDuringTx + (duringTransaction ? 1 : 0),
    info: { vendor: payload.vendor, model: payload.model, firmware: payload.firmwareVersion ?? "" },
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

export function status(cp: CpState, payload: PayloadOf<"cp.status">): CpUpdate {
  if (payload.evseId === 0) return { cp, orphaned: 0 };
  const key = keyOf(payload.evseId);
  const connector = cp.connectors[key];
  if (!connector) return { cp: withConnector(cp, key, IDLE), orphaned: 0 };
  if (connector.transaction && NO_TRANSACTION_STATUSES.has(payload.status)) {
    return { cp: withConnector(cp, key, IDLE), orphaned: 1 };
  }
  return { cp, orphaned: 0 };
}

// How many ended transaction ids a charge point remembers against late starts and updates.
const MAX_ENDED_TRANSACTIONS = 16;

function hasEnded(cp: CpState, transactionId: string): boolean {
  return cp.endedTransactions?.includes(transactionId) ?? false;
}

// A sorted set, so it is the same whatever order the ends arrived in.
function withEnded(cp: CpState, transactionId: string): CpState {
  if (hasEnded(cp, transactionId)) return cp;
  const ended = [...(cp.endedTransactions ?? []), transactionId].sort();
  if (ended.length > MAX_ENDED_TRANSACTIONS) ended.shift();
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
  // An ended one is history: its EVSE is known from now on, as it would be had the start come first.
  if (hasEnded(cp, payload.transactionId))
    return { cp: cp.connectors[key] ? next : withConnector(next, key, IDLE), orphaned: 0 };
  if (previous && payload.offline) return { cp: next, orphaned: 0 };
  const current = payload.samples ? measuredCurrent(payload.samples) : undefined;
  const opened = withConnector(next, key, {
    transaction: {
      id: payload.transactionId,
      startedAt: ts,
      ...(payload.seqNo === undefined ? {} : { seqNo: payload.seqNo }),
    },
    currentA: current ?? 0,
  });
  return { cp: opened, orphaned: previous ? 1 : 0 };
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
  const current = payload.samples ? measuredCurrent(payload.samples) : undefined;
  return withConnector(next, key, {
    transaction:
      payload.seqNo === undefined ? transaction : { ...transaction, seqNo: payload.seqNo },
    currentA: current ?? connector.currentA,
  });
}

/**
 * Ends the transaction wherever it runs, and remembers it ended; an unknown id still counts as
 * transaction activity. A late (`offline`) end is applied like any other: it is never dropped.
 */
export function transactionStopped(
  cp: CpState,
  payload: PayloadOf<"tx.stopped">,
  ts: number,
): CpState {
  const next = withEnded(touched(cp, ts), payload.transactionId);
  const key = transactionKey(cp, payload.transactionId, payload.evseId);
  if (key === undefined || cp.connectors[key]?.transaction?.id !== payload.transactionId)
    return next;
  return withConnector(next, key, IDLE);
}

export function meterValues(cp: CpState, payload: PayloadOf<"meter.values">): CpState {
  const current = measuredCurrent(payload.samples);
  if (current === undefined) return cp;
  const key = keyOf(payload.evseId);
  const connector = cp.connectors[key] ?? IDLE;
  // Samples of a transaction that already ended must not revive its current.
  if (payload.transactionId !== undefined && connector.transaction?.id !== payload.transactionId)
    return cp;
  return withConnector(cp, key, { ...connector, currentA: current });
}
