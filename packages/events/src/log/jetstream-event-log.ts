import {
  type ConsumerMessages,
  DeliverPolicy,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
} from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { type SubjectSpace, subjectSpace } from "../subjects/subjects.js";
import type { AppendAck, EventLog, LogReader, LogRecord, OutgoingMessage } from "./event-log.js";
import { recordOf } from "./log-record.js";

/** Where and how the event stream lives in JetStream. */
export interface JetStreamEventLogOptions {
  /** Stream name (default `OCPP_EVENTS`). */
  readonly stream?: string;
  /** Subject prefix (default `ocpp`): batches go to `<prefix>.events.<producer>`. */
  readonly subjectPrefix?: string;
  /** JetStream duplicate window for message ids (default 2 minutes). */
  readonly duplicateWindowMs?: number;
  /** Discard messages older than this; 0 keeps everything (default). Needs projector snapshots. */
  readonly maxAgeMs?: number;
  /** Stream replicas: 1 on a single server, 3 on a cluster for node-loss durability. */
  readonly replicas?: number;
  /** How long an append waits for the stream's acknowledgement (default 5 s). */
  readonly publishTimeoutMs?: number;
  /** Messages a reader asks for per pull; larger favours replay speed (default 1000). */
  readonly readBatch?: number;
}

const NANOS_PER_MS = 1_000_000;
const STREAM_NOT_FOUND = 10059;

/** The production EventLog: a JetStream stream, compatible with nats-server 2.9 and later. */
export class JetStreamEventLog implements EventLog {
  readonly #js: JetStreamClient;
  readonly #jsm: JetStreamManager;
  readonly #stream: string;
  readonly #subjects: SubjectSpace;
  readonly #publishTimeoutMs: number;
  readonly #readBatch: number;
  readonly #readers = new Set<ConsumerMessages>();

  private constructor(jsm: JetStreamManager, options: Required<JetStreamEventLogOptions>) {
    this.#jsm = jsm;
    this.#js = jsm.jetstream();
    this.#stream = options.stream;
    this.#subjects = subjectSpace(options.subjectPrefix);
    this.#publishTimeoutMs = options.publishTimeoutMs;
    this.#readBatch = options.readBatch;
  }

  /** Opens the log on a connection, creating the stream when it does not exist yet. */
  static async open(
    connection: NatsConnection,
    options: JetStreamEventLogOptions = {},
  ): Promise<JetStreamEventLog> {
    const resolved: Required<JetStreamEventLogOptions> = {
      stream: options.stream ?? "OCPP_EVENTS",
      subjectPrefix: options.subjectPrefix ?? "ocpp",
      duplicateWindowMs: options.duplicateWindowMs ?? 120_000,
      maxAgeMs: options.maxAgeMs ?? 0,
      replicas: options.replicas ?? 1,
      publishTimeoutMs: options.publishTimeoutMs ?? 5_000,
      readBatch: options.readBatch ?? 1_000,
    };
    const jsm = await jetstreamManager(connection);
    const log = new JetStreamEventLog(jsm, resolved);
    await log.#ensureStream(resolved);
    return log;
  }

  async append(message: OutgoingMessage): Promise<AppendAck> {
    const ack = await this.#js.publish(this.#subjects.events(message.producer), message.data, {
      msgID: message.messageId,
      expect: { streamName: this.#stream },
      timeout: this.#publishTimeoutMs,
    });
    return { sequence: ack.seq, duplicate: ack.duplicate };
  }

  async lastSequence(): Promise<number> {
    const info = await this.#jsm.streams.info(this.#stream);
    return info.state.last_seq;
  }

  read(fromSequence: number): LogReader {
    let messages: ConsumerMessages | undefined;
    let stopped = false;
    const log = this;
    return {
      async *[Symbol.asyncIterator](): AsyncGenerator<LogRecord> {
        // An ordered consumer: ephemeral, flow-controlled, recreated by the client after a gap.
        const consumer = await log.#js.consumers.get(
          log.#stream,
          fromSequence > 1
            ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: fromSequence }
            : { deliver_policy: DeliverPolicy.All },
        );
        if (stopped) return;
        messages = await consumer.consume({ max_messages: log.#readBatch });
        log.#readers.add(messages);
        try {
          for await (const message of messages)
            yield recordOf(message.seq, message.info.pending, message.data);
        } finally {
          log.#readers.delete(messages);
          void messages.close();
        }
      },
      async close() {
        stopped = true;
        // Not awaited: the consumer's close waits for its iterator, which may be the caller's loop.
        void messages?.close();
      },
    };
  }

  async close(): Promise<void> {
    for (const reader of this.#readers) void reader.close();
  }

  async #ensureStream(options: Required<JetStreamEventLogOptions>): Promise<void> {
    try {
      await this.#jsm.streams.info(options.stream);
      return;
    } catch (error) {
      if (!(error instanceof JetStreamApiError) || error.code !== STREAM_NOT_FOUND) throw error;
    }
    try {
      await this.#jsm.streams.add({
        name: options.stream,
        subjects: [this.#subjects.allEvents],
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
        num_replicas: options.replicas,
        duplicate_window: options.duplicateWindowMs * NANOS_PER_MS,
        max_age: options.maxAgeMs * NANOS_PER_MS,
      });
    } catch (error) {
      // Another process may have created it between our two calls; it is then usable as is.
      await this.#jsm.streams.info(options.stream).catch(() => {
        throw error;
      });
    }
  }
}
