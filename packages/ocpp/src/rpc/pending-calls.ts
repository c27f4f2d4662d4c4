/** A call that was not answered in time. */
export class CallTimeout extends Error {}

/** A call whose connection closed before it was answered. */
export class ConnectionClosed extends Error {}

interface Waiting<Answer> {
  readonly resolve: (answer: Answer) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * The calls one side of an OCPP-J connection sent and is waiting for: each resolves with the frame
 * that answers its message id, or fails with `CallTimeout` after its time, or with the error given
 * to `rejectAll` when the connection ends. An answer nobody waits for (late, or never asked) is
 * reported as unmatched. Shared by the gateway's outbound calls and the simulator's.
 */
export class PendingCalls<Answer> {
  readonly #waiting = new Map<string, Waiting<Answer>>();

  get size(): number {
    return this.#waiting.size;
  }

  has(messageId: string): boolean {
    return this.#waiting.has(messageId);
  }

  /** Resolves with the answer to `messageId`, or rejects after `timeoutMs`. */
  wait(messageId: string, timeoutMs: number): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(messageId);
        reject(new CallTimeout(`no answer to ${messageId} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiting.set(messageId, { resolve, reject, timer });
    });
  }

  /** Delivers an answer; false when no call waits for it (late, or never sent). */
  settle(messageId: string, answer: Answer): boolean {
    const waiting = this.#waiting.get(messageId);
    if (!waiting) return false;
    clearTimeout(waiting.timer);
    this.#waiting.delete(messageId);
    waiting.resolve(answer);
    return true;
  }

  /** Fails every waiting call at once (the connection ended). */
  rejectAll(error: Error): void {
    for (const waiting of this.#waiting.values()) {
      clearTimeout(waiting.timer);
      waiting.reject(error);
    }
    this.#waiting.clear();
  }
}
