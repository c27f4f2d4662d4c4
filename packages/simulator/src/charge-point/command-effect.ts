import type { CallAnswer } from "../client/ocpp-client.js";

/** What a charge point does after answering a command, as its firmware would. */
export type CommandEffect =
  /**
   * Reboot: a soft reset stops transactions first and closes cleanly; a hard one drops. One that
   * waits for idle (2.0.1's OnIdle) comes once no transaction is left.
   */
  | { readonly kind: "reset"; readonly hard: boolean; readonly whenIdle?: boolean }
  | {
      readonly kind: "remote-start";
      readonly connectorId: number;
      readonly idTag: string;
      /** 2.0.1: the CSMS's id of the request, echoed in the transaction's Started event. */
      readonly remoteStartId?: number;
    }
  | { readonly kind: "remote-stop"; readonly connectorId: number }
  | { readonly kind: "trigger"; readonly message: string; readonly connectorId: number | undefined }
  | { readonly kind: "status"; readonly connectorId: number; readonly status: string }
  /** A message the answer promised, e.g. the NotifyReport a GetBaseReport asked for. */
  | { readonly kind: "send"; readonly action: string; readonly payload: Record<string, unknown> };

/** The answer to send now, and what to do once it is sent. */
export interface Response {
  readonly answer: CallAnswer;
  readonly effects: readonly CommandEffect[];
}

export const result = (payload: unknown, effects: readonly CommandEffect[] = []): Response => ({
  answer: { kind: "result", payload },
  effects,
});

export const status = (value: string, effects: readonly CommandEffect[] = []): Response =>
  result({ status: value }, effects);
