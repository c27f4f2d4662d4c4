import type { CommandOutcome } from "@levity/commands";
import type { CommandFailure } from "@levity/events";
import {
  CallTimeout,
  callFrame,
  type Frame,
  type MessageValidator,
  PendingCalls,
} from "@levity/ocpp";

/** A command to send the charge point as a CALL. */
export interface OutboundCall {
  /** The CALL's message id (the command's id, so the wire and the audit trail agree). */
  readonly messageId: string;
  readonly action: string;
  readonly payload: Record<string, unknown>;
  /** Unix ms by which it must be answered: never sent after it. */
  readonly deadline: number;
}

/** What the outbound half needs around it. */
export interface OutboundPorts {
  send(text: string): void;
  /** The session's protocol's command schemas. */
  readonly validator: MessageValidator;
  readonly now: () => number;
  /** Longest wait for an answer, whatever the deadline (--command-timeout). */
  readonly timeoutMs: number;
  /** Commands that may wait behind the one in flight (--max-queued-commands). */
  readonly maxQueued: number;
  /** An answer came after its call had timed out, or answered nothing we sent. */
  readonly unmatchedAnswer: () => void;
}

type Answer = Extract<Frame, { kind: "result" | "error" }>;

// Command ids a session remembers, so that one delivered twice is sent once.
const REMEMBERED = 1_000;

interface Waiting {
  readonly call: OutboundCall;
  readonly settle: (outcome: CommandOutcome) => void;
}

/**
 * The central system's half of a session: sends commands as CALLs, one in flight at a time as
 * OCPP-J requires, the others waiting in a bounded FIFO; matches each CALLRESULT or CALLERROR by
 * message id, checks the answer against the action's schema, and turns every way a command can
 * end into an outcome: never an exception, never silence. Independent of the inbound half: a
 * charge point's call waiting for its answer does not hold a command up, nor the reverse.
 */
export class OutboundCalls {
  readonly #ports: OutboundPorts;
  readonly #queue: Waiting[] = [];
  readonly #pending = new PendingCalls<Answer>();
  /** The outcome of each command this session was given, by id: one is never sent twice. */
  readonly #given = new Map<string, Promise<CommandOutcome>>();
  #inFlight: Waiting | undefined;
  #closed: string | undefined;

  constructor(ports: OutboundPorts) {
    this.#ports = ports;
  }

  /** Commands waiting behind the one in flight. */
  get queued(): number {
    return this.#queue.length;
  }

  /**
   * Sends `call` as soon as the calls before it are answered; resolves with its outcome. A command
   * given again (the same id) is not sent again: it shares the first one's outcome.
   */
  submit(call: OutboundCall): Promise<CommandOutcome> {
    const known = this.#given.get(call.messageId);
    if (known) return known;
    const outcome = this.#submit(call);
    this.#given.set(call.messageId, outcome);
    if (this.#given.size > REMEMBERED)
      this.#given.delete(this.#given.keys().next().value as string);
    return outcome;
  }

  #submit(call: OutboundCall): Promise<CommandOutcome> {
    const { now, validator, maxQueued } = this.#ports;
    if (this.#closed !== undefined) return this.#failed("session-closed", this.#closed);
    if (call.deadline <= now()) return this.#failed("deadline-passed");
    if (!validator.actions.has(call.action))
      return this.#failed("invalid-request", `${call.action} is not a command of this protocol`);
    const violation = validator.validateRequest(call.action, call.payload);
    if (violation) return this.#failed("invalid-request", violation.message);
    if (this.#queue.length >= maxQueued && this.#inFlight !== undefined)
      return this.#failed("queue-full", `${maxQueued} commands are already waiting`);
    return new Promise((settle) => {
      this.#queue.push({ call, settle });
      this.#next();
    });
  }

  /** Takes a CALLRESULT or CALLERROR; false when no call waits for it (late, or never sent). */
  answered(answer: Answer): boolean {
    const matched = this.#pending.settle(answer.messageId, answer);
    if (!matched) this.#ports.unmatchedAnswer();
    return matched;
  }

  /** The session ended: every command in flight or waiting fails now, with `why`. */
  close(why: string): void {
    if (this.#closed !== undefined) return;
    this.#closed = why;
    const { now } = this.#ports;
    for (const waiting of this.#queue.splice(0))
      waiting.settle(failure("session-closed", now(), `${why} before it was sent`));
    this.#pending.rejectAll(new SessionClosed(why));
  }

  #next(): void {
    while (this.#inFlight === undefined && this.#queue.length > 0) {
      const waiting = this.#queue.shift() as Waiting;
      const { now, timeoutMs, send } = this.#ports;
      const left = waiting.call.deadline - now();
      // A command whose deadline passed while it waited is dropped, never sent late.
      if (left <= 0) {
        waiting.settle(failure("deadline-passed", now(), "its deadline passed while it waited"));
        continue;
      }
      this.#inFlight = waiting;
      const answer = this.#pending.wait(waiting.call.messageId, Math.min(left, timeoutMs));
      send(callFrame(waiting.call.messageId, waiting.call.action, waiting.call.payload));
      answer.then(
        (frame) => this.#done(waiting, this.#outcomeOf(waiting.call, frame)),
        (error: unknown) =>
          this.#done(
            waiting,
            error instanceof CallTimeout
              ? failure("timed-out", now(), "the charge point did not answer in time")
              : failure(
                  "session-closed",
                  now(),
                  `${(error as Error).message} while it was in flight`,
                ),
          ),
      );
    }
  }

  #done(waiting: Waiting, outcome: CommandOutcome): void {
    this.#inFlight = undefined;
    waiting.settle(outcome);
    this.#next();
  }

  #outcomeOf(call: OutboundCall, frame: Answer): CommandOutcome {
    const at = this.#ports.now();
    if (frame.kind === "error") {
      return {
        outcome: "failed",
        reason: "rejected",
        errorCode: frame.errorCode.slice(0, 64),
        errorDescription: frame.description.slice(0, 255),
        at,
      };
    }
    const violation = this.#ports.validator.validateResponse(call.action, frame.payload);
    if (violation) return failure("invalid-answer", at, violation.message);
    return { outcome: "completed", response: frame.payload as Record<string, unknown>, at };
  }

  #failed(reason: CommandFailure, detail?: string): Promise<CommandOutcome> {
    return Promise.resolve(failure(reason, this.#ports.now(), detail));
  }
}

/** The session ended while a call waited for its answer. */
class SessionClosed extends Error {}

function failure(reason: CommandFailure, at: number, detail?: string): CommandOutcome {
  return detail === undefined
    ? { outcome: "failed", reason, at }
    : { outcome: "failed", reason, detail: detail.slice(0, 1024), at };
}
