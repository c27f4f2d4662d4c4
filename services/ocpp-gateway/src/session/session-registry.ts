import type { CloseReason } from "@levity/events";
import type { Credential } from "../admission/credential.js";
import type { ChargePointSession } from "./charge-point-session.js";

interface Entry {
  readonly session: ChargePointSession;
  readonly credential: Credential;
}

/** The live session of each charge point identity on this gateway (at most one), and what admitted it. */
export class SessionRegistry {
  readonly #byIdentity = new Map<string, Entry>();

  get size(): number {
    return this.#byIdentity.size;
  }

  /** Makes `session` its identity's live session, closing the one it replaces first. */
  admit(session: ChargePointSession, credential: Credential): void {
    this.#byIdentity.get(session.cpId)?.session.close("replaced", 1000);
    this.#byIdentity.set(session.cpId, { session, credential });
  }

  /** Forgets a session that ended, unless a newer one already took its identity. */
  remove(session: ChargePointSession): void {
    if (this.#byIdentity.get(session.cpId)?.session === session)
      this.#byIdentity.delete(session.cpId);
  }

  *sessions(): IterableIterator<ChargePointSession> {
    for (const { session } of this.#byIdentity.values()) yield session;
  }

  /** Ends the sessions whose admission `keep` no longer accepts; returns how many. */
  closeUnless(
    keep: (cpId: string, credential: Credential) => boolean,
    reason: CloseReason,
    code: number,
  ): number {
    const ended = [...this.#byIdentity.values()].filter(
      ({ session, credential }) => !keep(session.cpId, credential),
    );
    for (const { session } of ended) session.close(reason, code);
    return ended.length;
  }

  /** Ends every session (a graceful shutdown). */
  closeAll(reason: CloseReason, code: number): void {
    this.closeUnless(() => false, reason, code);
  }
}
