import type { CloseReason } from "@levity/events";
import type { ChargePointSession } from "./charge-point-session.js";

/** The live session of each charge point identity on this gateway: at most one. */
export class SessionRegistry {
  readonly #byIdentity = new Map<string, ChargePointSession>();

  get size(): number {
    return this.#byIdentity.size;
  }

  /** Makes `session` its identity's live session, closing the one it replaces first. */
  admit(session: ChargePointSession): void {
    this.#byIdentity.get(session.cpId)?.close("replaced", 1000);
    this.#byIdentity.set(session.cpId, session);
  }

  /** Forgets a session that ended, unless a newer one already took its identity. */
  remove(session: ChargePointSession): void {
    if (this.#byIdentity.get(session.cpId) === session) this.#byIdentity.delete(session.cpId);
  }

  sessions(): IterableIterator<ChargePointSession> {
    return this.#byIdentity.values();
  }

  /** Ends every session (a graceful shutdown). */
  closeAll(reason: CloseReason, code: number): void {
    for (const session of [...this.#byIdentity.values()]) session.close(reason, code);
  }
}
