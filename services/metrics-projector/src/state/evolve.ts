import { type CpEvent, type DecodedBatch, isCpEvent, type LevityEvent } from "@levity/events";
import { automationCommand, automationEvent } from "./automations.js";
import * as ChargePoints from "./charge-points.js";
import { commandEvent } from "./commands.js";
import {
  type EndedTransactions,
  inTransaction,
  newCp,
  observe,
  type ProjectionState,
  TRANSACTION_DURATION_BUCKETS,
  TRANSACTION_ENERGY_BUCKETS,
} from "./projection-state.js";
import {
  closeSession,
  ensureSession,
  gatewayAlive,
  gatewayGone,
  markBooted,
  openSession,
  settleReconnect,
} from "./sessions.js";

// Producer instances remembered for batch deduplication; the oldest are forgotten beyond this.
const MAX_PRODUCERS = 10_000;

/** Bounds on what the projection keeps, so hostile identities or error codes cannot grow it without end. */
export interface ProjectionLimits {
  readonly maxChargePoints: number;
  /** Distinct error codes counted per charge point. */
  readonly maxErrorTypes: number;
}

export const DEFAULT_LIMITS: ProjectionLimits = { maxChargePoints: 100_000, maxErrorTypes: 32 };

/** A state transition function with its limits: `(state, event) => state`. */
export type Evolve = (state: ProjectionState, event: LevityEvent) => ProjectionState;

function dropped(state: ProjectionState, what: "chargePoints" | "errorTypes"): ProjectionState {
  return { ...state, dropped: { ...state.dropped, [what]: state.dropped[what] + 1 } };
}

/**
 * The projection's core: the state after an event. Pure (no I/O, no clock, inputs untouched), so
 * the same events always give the same state, whether replayed or followed live. Events of a
 * charge point beyond `maxChargePoints` are counted and dropped.
 */
export function createEvolve(limits: ProjectionLimits): Evolve {
  return (state, event) => {
    if (
      isCpEvent(event) &&
      !state.cps.has(event.cpId) &&
      state.cps.size >= limits.maxChargePoints
    ) {
      return dropped(state, "chargePoints");
    }
    return transition(state, event, limits);
  };
}

/** `createEvolve` with the default limits. */
export const evolve: Evolve = createEvolve(DEFAULT_LIMITS);

function transition(
  state: ProjectionState,
  event: LevityEvent,
  limits: ProjectionLimits,
): ProjectionState {
  switch (event.type) {
    case "gateway.alive":
      return gatewayAlive(state, event);
    case "gateway.stopped":
    case "gateway.lost":
      return gatewayGone(state, event.gatewayId, event.payload.instance);
    case "session.opened":
      return openSession(state, event);
    case "session.closed":
      return closeSession(state, event.sessionId);
    case "command.requested":
    case "command.completed":
    case "command.failed":
      return automationCommand(commandEvent(state, event), event);
    case "automation.decided":
    case "automation.cleared":
      return automationEvent(state, event);
    default:
      return chargePointEvent(state, event, limits);
  }
}

function chargePointEvent(
  state: ProjectionState,
  event: Exclude<CpEvent, { type: `session.${string}` }>,
  limits: ProjectionLimits,
): ProjectionState {
  let next = state.cps.has(event.cpId)
    ? state
    : { ...state, cps: state.cps.set(event.cpId, newCp(event.ts)) };
  next = ensureSession(next, event.cpId, event.sessionId, event.gatewayId);
  next = settleReconnect(next, event.sessionId, event.type === "cp.boot");
  const cp = next.cps.get(event.cpId) ?? newCp(event.ts);
  let update: ChargePoints.CpUpdate = { cp, orphaned: 0 };
  switch (event.type) {
    case "cp.boot": {
      const during = inTransaction(cp);
      if (during) next = markBooted(next, event.sessionId);
      update = { cp: ChargePoints.boot(cp, event.payload, during, event.ts), orphaned: 0 };
      break;
    }
    case "cp.heartbeat":
      update = { cp: ChargePoints.heartbeat(cp, event.ts), orphaned: 0 };
      break;
    case "cp.status":
      update = ChargePoints.status(cp, event.payload, event.ts);
      break;
    case "cp.fault":
      update = ChargePoints.fault(cp, event.payload, event.ts, limits.maxErrorTypes);
      break;
    case "tx.started":
      update = ChargePoints.transactionStarted(cp, event.payload, event.ts);
      break;
    case "tx.updated":
      update = { cp: ChargePoints.transactionUpdated(cp, event.payload, event.ts), orphaned: 0 };
      break;
    case "tx.stopped":
      update = ChargePoints.transactionStopped(cp, event.payload, event.ts);
      break;
    case "meter.values":
      update = { cp: ChargePoints.meterValues(cp, event.payload), orphaned: 0 };
      break;
    default:
      break;
  }
  const cps = next.cps.set(event.cpId, ChargePoints.seen(cp, update.cp, event.ts));
  // Within a batch the maps are transient (set in place): most events change nothing else, and
  // then the state need not be copied for each of them.
  if (cps === next.cps && !update.ended && update.orphaned === 0 && !update.errorTypeDropped)
    return next;
  return {
    ...next,
    cps,
    transactions: update.ended
      ? endedTransaction(next.transactions, update.ended)
      : next.transactions,
    orphanedTransactions: next.orphanedTransactions + update.orphaned,
    dropped: update.errorTypeDropped
      ? { ...next.dropped, errorTypes: next.dropped.errorTypes + 1 }
      : next.dropped,
  };
}

const MILLI_DURATION_BOUNDS = TRANSACTION_DURATION_BUCKETS.map((seconds) => seconds * 1000);
const MILLI_ENERGY_BOUNDS = TRANSACTION_ENERGY_BUCKETS.map((wh) => wh * 1000);

function endedTransaction(
  transactions: EndedTransactions,
  ended: ChargePoints.EndedTransaction,
): EndedTransactions {
  return {
    durations: observe(transactions.durations, MILLI_DURATION_BOUNDS, ended.durationMs),
    energy: observe(transactions.energy, MILLI_ENERGY_BOUNDS, Math.round(ended.energyWh * 1000)),
  };
}

/**
 * Folds a batch's events into the state. The maps are transient (immutable.js `asMutable`) for
 * the length of the batch, so its events update them in place instead of copying paths per event;
 * the state passed in is left untouched and the one returned is immutable again.
 */
function foldEvents(
  state: ProjectionState,
  events: readonly LevityEvent[],
  step: Evolve,
): ProjectionState {
  const transient: ProjectionState = {
    ...state,
    cps: state.cps.asMutable(),
    sessions: state.sessions.asMutable(),
    gateways: state.gateways.asMutable(),
  };
  const folded = events.reduce(step, transient);
  return {
    ...folded,
    cps: folded.cps.asImmutable(),
    sessions: folded.sessions.asImmutable(),
    gateways: folded.gateways.asImmutable(),
  };
}

/** Applies a stored batch, or skips it whole when its producer instance already applied it. */
export function applyBatch(
  state: ProjectionState,
  batch: DecodedBatch,
  step: Evolve = evolve,
): { state: ProjectionState; duplicate: boolean } {
  if (batch.batch === undefined)
    return { state: foldEvents(state, batch.events, step), duplicate: false };
  const key = `${batch.producer}/${batch.instance}`;
  if ((state.producers.get(key) ?? 0) >= batch.batch) return { state, duplicate: true };
  const applied = foldEvents(state, batch.events, step);
  let producers = applied.producers.set(key, batch.batch);
  if (producers.size > MAX_PRODUCERS)
    producers = producers.delete(producers.keySeq().first() as string);
  return { state: { ...applied, producers }, duplicate: false };
}
