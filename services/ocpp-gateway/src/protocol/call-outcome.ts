import type { CpEventType, PayloadOf } from "@levity/events";
import type { RpcErrorKind } from "@levity/ocpp";

/**
 * `T` where optional fields may also be present as `undefined`: drafts are serialised to JSON at
 * once, which drops them, so handlers copy optional request fields without testing each.
 */
export type Loosen<T> = T extends readonly (infer U)[]
  ? Loosen<U>[]
  : T extends object
    ? { [K in keyof T]: K extends OptionalKeys<T> ? Loosen<T[K]> | undefined : Loosen<T[K]> }
    : T;

type OptionalKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T];

/** An event a call produced, before the gateway stamps its envelope (id, time, session). */
export type EventDraft = {
  [K in CpEventType]: { readonly type: K; readonly payload: Loosen<PayloadOf<K>> };
}[CpEventType];

/** What to answer a call, and which facts to store before answering. */
export type CallOutcome =
  | {
      readonly kind: "result";
      readonly payload: object;
      readonly events: readonly EventDraft[];
      /** Sampled values not kept: signed, not a finite number, or beyond the bound of one event. */
      readonly droppedSamples?: number;
    }
  | { readonly kind: "error"; readonly error: RpcErrorKind; readonly description: string };

/** The error answer of a call. */
export type CallFailure = Extract<CallOutcome, { readonly kind: "error" }>;

/** What a handler may know beyond the request: all of it decided by the shell, none read here. */
export interface CallContext {
  /** When the gateway received the call (unix ms). */
  readonly receivedAt: number;
  /** The heartbeat interval to give charge points at boot, in seconds. */
  readonly heartbeatIntervalS: number;
  /** A fresh transaction id, for calls that start a transaction. */
  readonly transactionId: number | undefined;
  /** Whether an idTag may charge (an allow list, when one is configured). */
  readonly idTagAccepted: (idTag: string) => boolean;
}

/** Answers with a result and the events to store first. */
export function result(
  payload: object,
  events: readonly EventDraft[],
  droppedSamples = 0,
): CallOutcome {
  return droppedSamples > 0
    ? { kind: "result", payload, events, droppedSamples }
    : { kind: "result", payload, events };
}

/** Answers with an error. */
export function failure(error: RpcErrorKind, description: string): CallFailure {
  return { kind: "error", error, description };
}
