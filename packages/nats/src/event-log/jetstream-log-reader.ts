import { type LogReader, recordOf } from "@levity/events";
import {
  type ConsumerMessages,
  type ConsumerNotification,
  DeliverPolicy,
  type JetStreamClient,
  type OrderedConsumerOptions,
} from "@nats-io/jetstream";

/** How a JetStream reader pulls and how fast it notices that its consumer is gone. */
export interface JetStreamReaderOptions {
  readonly stream: string;
  /** Messages asked for per pull. */
  readonly batch: number;
  /** Lifetime of a pull; the server sends idle heartbeats every half of it. */
  readonly expiresMs: number;
  /** Told each time the consumer is replaced, and why. */
  readonly onRestart: ((reason: string, nextSequence: number) => void) | undefined;
  /** Calls `listener` each time the NATS connection is re-established; returns how to stop. */
  readonly onReconnect: (listener: () => void) => () => void;
}

// Consumer notifications after which the consumer cannot be trusted to deliver again. nats.js's
// ordered consumer recreates itself after some of these, but keeps the old pull's outstanding
// message count, so its next pull asks for too few messages and it starves until two idle
// heartbeats are missed (about 45 s after a nats-server restart, with the default 30 s pulls).
// A reader replaces the whole consumer instead, from the next sequence it needs.
const UNTRUSTED = new Set<ConsumerNotification["type"]>([
  "heartbeats_missed",
  "consumer_not_found",
  "consumer_deleted",
  "stream_not_found",
  "no_responders",
  "reset",
]);

// Delays between attempts to create a consumer while JetStream is unavailable (ms).
const RETRY_DELAYS_MS = [0, 100, 250, 500, 1_000];

/**
 * An ordered read of a stream that survives nats-server restarts: each consumer is ephemeral and
 * ordered; when the connection comes back, or the consumer reports it lost its place, the reader
 * replaces it with a new one starting at the sequence after the last it yielded.
 */
export function readJetStream(
  js: JetStreamClient,
  fromSequence: number,
  options: JetStreamReaderOptions,
): LogReader {
  return followJetStream(js, fromSequence, options, recordOf);
}

/** A reader of the stream's messages, each mapped by `map`. */
export interface MessageReader<T> extends AsyncIterable<T> {
  close(): Promise<void>;
}

/**
 * The same resilient ordered read, yielding `map(sequence, data)` of each message: the history
 * indexer maps raw bytes, without validating every event as the projector does.
 */
export function followJetStream<T>(
  js: JetStreamClient,
  fromSequence: number,
  options: JetStreamReaderOptions,
  map: (sequence: number, data: Uint8Array) => T,
): MessageReader<T> {
  let next = Math.max(1, fromSequence);
  let stopped = false;
  let current: ConsumerMessages | undefined;
  let wakeRetry: () => void = () => {};
  const replace = (reason: string) => {
    const messages = current;
    if (!messages || stopped) return;
    current = undefined;
    options.onRestart?.(reason, next);
    void messages.close();
  };
  const stopListening = options.onReconnect(() => {
    replace("reconnected");
    wakeRetry();
  });

  const open = async (): Promise<Consumed | undefined> => {
    for (let attempt = 0; !stopped; attempt++) {
      try {
        const consumer = await js.consumers.get(options.stream, startingAt(next));
        const messages = await consumer.consume({
          max_messages: options.batch,
          expires: options.expiresMs,
        });
        const consumed = { messages, release: () => void consumer.delete().catch(() => {}) };
        if (stopped) {
          messages.close();
          consumed.release();
          return undefined;
        }
        void watch(messages);
        return consumed;
      } catch {
        // JetStream is not available yet (restarting, no leader, disconnected): try again soon.
        const delay = RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length - 1)] ?? 0;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          wakeRetry = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
    return undefined;
  };

  const watch = async (messages: ConsumerMessages) => {
    for await (const notification of messages.status()) {
      if (UNTRUSTED.has(notification.type) && current === messages) {
        replace(notification.type);
        return;
      }
    }
  };

  return {
    async *[Symbol.asyncIterator](): AsyncGenerator<T> {
      try {
        while (!stopped) {
          const consumed = await open();
          if (!consumed) return;
          const { messages } = consumed;
          current = messages;
          try {
            for await (const message of messages) {
              if (message.seq < next) continue;
              next = message.seq + 1;
              yield map(message.seq, message.data);
            }
          } finally {
            if (current === messages) current = undefined;
            void messages.close();
            consumed.release();
          }
        }
      } finally {
        stopListening();
      }
    },
    async close() {
      stopped = true;
      stopListening();
      wakeRetry();
      // Not awaited: the consumer's close waits for its iterator, which may be the caller's loop.
      const messages = current;
      current = undefined;
      void messages?.close();
    },
  };
}

/** A consumer being read, and how to delete it from the server once it is replaced. */
interface Consumed {
  readonly messages: ConsumerMessages;
  release(): void;
}

function startingAt(sequence: number): Partial<OrderedConsumerOptions> {
  return sequence > 1
    ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: sequence }
    : { deliver_policy: DeliverPolicy.All };
}
