import type { EventOf } from "@levity/events";
import {
  type CpState,
  inTransaction,
  newCp,
  type ProjectionState,
  type SessionState,
} from "./projection-state.js";

// Pure updates of sessions and gateways: who is connected where, and what counts as a
// disconnect or a reconnect during a transaction.

function putCp(state: ProjectionState, cpId: string, cp: CpState): ProjectionState {
  return { ...state, cps: state.cps.set(cpId, cp) };
}

export function openSession(
  state: ProjectionState,
  event: EventOf<"session.opened">,
): ProjectionState {
  if (state.sessions.has(event.sessionId)) return state;
  const cp = state.cps.get(event.cpId) ?? newCp(event.ts);
  const session: SessionState = {
    cpId: event.cpId,
    gatewayId: event.gatewayId,
    instance: event.payload.instance,
    reconnectPending: cp.endedInTransaction && cp.sessions.length === 0,
    booted: false,
  };
  return {
    ...state,
    sessions: state.sessions.set(event.sessionId, session),
    cps: state.cps.set(event.cpId, {
      ...cp,
      lastSeenAt: Math.max(cp.lastSeenAt, event.ts),
      sessions: [...cp.sessions, event.sessionId],
      endedInTransaction: false,
      protocol: event.payload.protocol,
    }),
  };
}

/**
 * Ends a session once, whoever reports it (the gateway, or a gateway's loss or restart). The
 * charge point stays connected while a newer session is open on another gateway.
 */
export function closeSession(state: ProjectionState, sessionId: string): ProjectionState {
  const session = state.sessions.get(sessionId);
  if (!session) return state;
  const cp = state.cps.get(session.cpId) ?? newCp(0);
  const remaining = cp.sessions.filter((id) => id !== sessionId);
  const active = inTransaction(cp);
  // A session that reconnected mid-transaction and ends before saying more was a reconnect, not a reboot.
  let reconnects = session.reconnectPending ? 1 : 0;
  const newest =
    remaining.length > 0
      ? state.sessions.get(remaining[remaining.length - 1] as string)
      : undefined;
  if (active && newest && !newest.booted) reconnects += 1;
  return {
    ...state,
    sessions: state.sessions.delete(sessionId),
    cps: state.cps.set(session.cpId, {
      ...cp,
      sessions: remaining,
      disconnects: cp.disconnects + 1,
      reconnectsDuringTx: cp.reconnectsDuringTx + reconnects,
      endedInTransaction: active && remaining.length === 0,
    }),
  };
}

/**
 * Makes sure the session of a charge-point event is open: a gateway declared lost that was only
 * cut off from the stream keeps its sockets, and its sessions come back with their next event.
 */
export function ensureSession(
  state: ProjectionState,
  cpId: string,
  sessionId: string,
  gatewayId: string,
): ProjectionState {
  if (state.sessions.has(sessionId)) return state;
  const cp = state.cps.get(cpId);
  if (!cp) return state;
  const session: SessionState = {
    cpId,
    gatewayId,
    instance: state.gateways.get(gatewayId)?.instance ?? "",
    reconnectPending: false,
    booted: false,
  };
  return {
    ...putCp(state, cpId, { ...cp, sessions: [...cp.sessions, sessionId] }),
    sessions: state.sessions.set(sessionId, session),
  };
}

/** Settles whether a session opened after a mid-transaction end was a reboot or a reconnect. */
export function settleReconnect(
  state: ProjectionState,
  sessionId: string,
  rebooted: boolean,
): ProjectionState {
  const session = state.sessions.get(sessionId);
  if (!session?.reconnectPending) return state;
  const cp = state.cps.get(session.cpId);
  const next = {
    ...state,
    sessions: state.sessions.set(sessionId, { ...session, reconnectPending: false }),
  };
  if (rebooted || !cp) return next;
  return putCp(next, session.cpId, { ...cp, reconnectsDuringTx: cp.reconnectsDuringTx + 1 });
}

/** Remembers that a session began with a reboot during a transaction. */
export function markBooted(state: ProjectionState, sessionId: string): ProjectionState {
  const session = state.sessions.get(sessionId);
  if (!session || session.booted) return state;
  return { ...state, sessions: state.sessions.set(sessionId, { ...session, booted: true }) };
}

/** Closes every session held by the given instance of a gateway (or by any other instance). */
export function closeGatewaySessions(
  state: ProjectionState,
  gatewayId: string,
  match: (instance: string) => boolean,
): ProjectionState {
  // Listed before closing any: within a batch the sessions map is transient (mutated in place),
  // and deleting from it while iterating it skips the entry moved into the deleted one's place.
  const held: string[] = [];
  for (const [sessionId, session] of state.sessions) {
    if (session.gatewayId === gatewayId && match(session.instance)) held.push(sessionId);
  }
  return held.reduce((next, sessionId) => closeSession(next, sessionId), state);
}

export function gatewayAlive(
  state: ProjectionState,
  event: EventOf<"gateway.alive">,
): ProjectionState {
  const known = state.gateways.get(event.gatewayId);
  const instance = event.payload.instance;
  const next: ProjectionState = {
    ...state,
    gateways: state.gateways.set(event.gatewayId, {
      instance,
      lastAliveAt: Math.max(event.ts, known?.instance === instance ? known.lastAliveAt : 0),
      up: true,
    }),
  };
  // A new instance means the previous process is gone, and every socket it held with it.
  return known && known.instance !== instance
    ? closeGatewaySessions(next, event.gatewayId, (candidate) => candidate !== instance)
    : next;
}

/** A gateway instance that stopped or was declared lost: down, and its sessions closed. */
export function gatewayGone(
  state: ProjectionState,
  gatewayId: string,
  instance: string,
): ProjectionState {
  const known = state.gateways.get(gatewayId);
  const next =
    known?.instance === instance
      ? { ...state, gateways: state.gateways.set(gatewayId, { ...known, up: false }) }
      : state;
  return closeGatewaySessions(next, gatewayId, (candidate) => candidate === instance);
}
