import type { CpEvent, DecodedBatch, LevityEvent } from "@levity/events";
import * as ChargePoints from "./charge-points.js";
import { inTransaction, newCp, type ProjectionState } from "./projection-state.js";
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

/**
 * The projection's core: the state after `event`. Pure (no I/O, no clock, inputs untouched), so
 * the same events always give the same state, whether replayed or followed live.
 */
export function evolve(state: ProjectionState, event: LevityEvent): ProjectionState {
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
    default:
      return chargePointEvent(state, event);
  }
}

function chargePointEvent(
  state: ProjectionState,
  event: Exclude<CpEvent, { type: `session.${string}` }>,
): ProjectionState {
  let next = state.cps.has(event.cpId)
    ? state
    : { ...state, cps: state.cps.set(event.cpId, newCp(event.ts)) };
  next = ensureSession(next, event.cpId, event.sessionId, event.gatewayId);
  next = settleReconnect(next, event.sessionId, event.type === "cp.boot");
  const cp = ChargePoints.seen(next.cps.get(event.cpId) ?? newCp(event.ts), event.ts);
  let update: ChargePoints.CpUpdate = { cp, orphaned: 0 };
  switch (event.type) {
    case "cp.boot": {
      const during = inTransaction(cp);
      if (during) next = markBooted(next, event.sessionId);
      update = { cp: ChargePoints.boot(cp, event.payload, during), orphaned: 0 };
      break;
    }
    case "cp.heartbeat":
      update = { cp: ChargePoints.heartbeat(cp, event.ts), orphaned: 0 };
      break;
    case "cp.status":
      update = ChargePoints.status(cp, event.payload, event.ts);
      break;
    case "tx.started":
      update = ChargePoints.transactionStarted(cp, event.payload, event.ts);
      break;
    case "tx.stopped":
      update = { cp: ChargePoints.transactionStopped(cp, event.payload, event.ts), orphaned: 0 };
      break;
    case "meter.values":
      update = { cp: ChargePoints.meterValues(cp, event.payload), orphaned: 0 };
      break;
    default:
      break;
  }
  return {
    ...next,
    cps: next.cps.set(event.cpId, update.cp),
    orphanedTransactions: next.orphanedTransactions + update.orphaned,
  };
}

/**
 * Folds a batch's events into the state. The maps are transient (immutable.js `asMutable`) for
 * the length of the batch, so its events update them in place instead of copying paths per event;
 * the state passed in is left untouched and the one returned is immutable again.
 */
function foldEvents(state: ProjectionState, events: readonly LevityEvent[]): ProjectionState {
  const transient: ProjectionState = {
    ...state,
    cps: state.cps.asMutable(),
    sessions: state.sessions.asMutable(),
    gateways: state.gateways.asMutable(),
  };
  const folded = events.reduce(evolve, transient);
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
): { state: ProjectionState; duplicate: boolean } {
  if (batch.batch === undefined)
    return { state: foldEvents(state, batch.events), duplicate: false };
  const key = `${batch.producer}/${batch.instance}`;
  if ((state.producers.get(key) ?? 0) >= batch.batch) return { state, duplicate: true };
  const applied = foldEvents(state, batch.events);
  let producers = applied.producers.set(key, batch.batch);
  if (producers.size > MAX_PRODUCERS)
    producers = producers.delete(producers.keySeq().first() as string);
  return { state: { ...applied, producers }, duplicate: false };
}
