import {
  type AppendAck,
  type EventLog,
  type KeyedAck,
  type KeyedRecord,
  type LogReader,
  type LogRecord,
  type OutgoingMessage,
  recordOf,
  type SubjectSpace,
  subjectSpace,
} from "@levity/events";
import {
  type JetStreamClient,
  type JetStreamManager,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
} from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { isJetStreamError, JETSTREAM_ERRORS } from "../jetstream/api-errors.js";
import { readJetStream } from "./jetstream-log-reader.js";

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
  /**
   * Lifetime of a reader's pull (default 5 s). The server sends idle heartbeats every half of it,
   * and a reader that misses two replaces its consumer: this bounds how long a silent stall lasts.
   */
  readonly readExpiresMs?: number;
  /** Told each time a reader replaces its consumer (after a reconnection, a lost consumer...). */
  readonly onReaderRestart?: (reason: string, nextSequence: number) => void;
}

type Resolved = Required<Omit<JetStreamEventLogOptions, "onReaderRestart">> & {
  readonly onReaderRestart: JetStreamEventLogOptions["onReaderRestart"] | undefined;
};

const NANOS_PER_MS = 1_000_000;

/** The production EventLog: a JetStream stream, compatible with nats-server 2.9 and later. */
export class JetStreamEventLog implements EventLog {
  readonly #js: JetStreamClient;
  readonly #jsm: JetStreamManager;
  readonly #stream: string;
  readonly #subjects: SubjectSpace;
  readonly #publishTimeoutMs: number;
  readonly #readBatch: number;
  readonly #readExpiresMs: number;
  readonly #onReaderRestart: JetStreamEventLogOptions["onReaderRestart"];
  readonly #readers = new Set<LogReader>();
  readonly #reconnectListeners = new Set<() => void>();

  private constructor(connection: NatsConnection, jsm: JetStreamManager, options: Resolved) {
    this.#jsm = jsm;
    this.#js = jsm.jetstream();
    this.#stream = options.stream;
    this.#subjects = subjectSpace(options.subjectPrefix);
    this.#publishTimeoutMs = options.publishTimeoutMs;
    this.#readBatch = options.readBatch;
    this.#readExpiresMs = options.readExpiresMs;
    this.#onReaderRestart = options.onReaderRestart;
    void this.#watchConnection(connection);
  }

  // Readers replace their consumers when the connection comes back: the server may have restarted
  // and lost every ephemeral consumer, and the client would only notice after missed heartbeats.
  async #watchConnection(connection: NatsConnection): Promise<void> {
    for await (const status of connection.status()) {
      if (status.type !== "reconnect") continue;
      for (const listener of this.#reconnectListeners) listener();
    }
  }

  /** Opens the log on a connection, creating the stream when it does not exist yet. */
  static async open(
    connection: NatsConnection,
    options: JetStreamEventLogOptions = {},
  ): Promise<JetStreamEventLog> {
    const resolved: Resolved = {
      stream: options.stream ?? "OCPP_EVENTS",
      subjectPrefix: options.subjectPrefix ?? "ocpp",
      duplicateWindowMs: options.duplicateWindowMs ?? 120_000,
      maxAgeMs: options.maxAgeMs ?? 0,
      replicas: options.replicas ?? 1,
      publishTimeoutMs: options.publishTimeoutMs ?? 5_000,
      readBatch: options.readBatch ?? 1_000,
      readExpiresMs: options.readExpiresMs ?? 5_000,
      onReaderRestart: options.onReaderRestart,
    };
    const jsm = await jetstreamManager(connection);
    const log = new JetStreamEventLog(connection, jsm, resolved);
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

  async appendKeyed(key: string, message: OutgoingMessage, after: number): Promise<KeyedAck> {
    try {
      const ack = await this.#js.publish(this.#subjects.keyed(key), message.data, {
        msgID: message.messageId,
        expect: { streamName: this.#stream, lastSubjectSequence: after },
        timeout: this.#publishTimeoutMs,
      });
      // JetStream answers a repeated message id as a duplicate before it checks the expected
      // sequence: whoever repeats it did not store it, and must learn so.
      if (ack.duplicate) return { ok: false, conflict: "key-moved" };
      return { ok: true, sequence: ack.seq };
    } catch (error) {
      if (isJetStreamError(error, JETSTREAM_ERRORS.wrongLastSequence))
        return { ok: false, conflict: "key-moved" };
      throw error;
    }
  }

  async lastOfKey(key: string): Promise<KeyedRecord | undefined> {
    const stored = await this.#get({ last_by_subj: this.#subjects.keyed(key) });
    return stored && { sequence: stored.sequence, record: stored };
  }

  at(sequence: number): Promise<LogRecord | undefined> {
    return this.#get({ seq: sequence });
  }

  async #get(
    query: { readonly seq: number } | { readonly last_by_subj: string },
  ): Promise<LogRecord | undefined> {
    try {
      const stored = await this.#jsm.streams.getMessage(this.#stream, query);
      return stored ? recordOf(stored.seq, stored.data) : undefined;
    } catch (error) {
      if (isJetStreamError(error, JETSTREAM_ERRORS.noMessageFound)) return undefined;
      throw error;
    }
  }

  async lastSequence(): Promise<number> {
    const info = await this.#jsm.streams.info(this.#stream);
    return info.state.last_seq;
  }

  read(fromSequence: number): LogReader {
    const reader = readJetStream(this.#js, fromSequence, {
      stream: this.#stream,
      batch: this.#readBatch,
      expiresMs: this.#readExpiresMs,
      onRestart: this.#onReaderRestart,
      onReconnect: (listener) => {
        this.#reconnectListeners.add(listener);
        return () => this.#reconnectListeners.delete(listener);
      },
    });
    this.#readers.add(reader);
    return {
      [Symbol.asyncIterator]: () => reader[Symbol.asyncIterator](),
      close: async () => {
        this.#readers.delete(reader);
        await reader.close();
      },
    };
  }

  async close(): Promise<void> {
    for (const reader of this.#readers) void reader.close();
    this.#readers.clear();
  }

  /** Creates the stream, or adds the subjects a stream made by an older version lacks. */
  async #ensureStream(options: Resolved): Promise<void> {
    const subjects = [this.#subjects.allEvents, this.#subjects.allKeyed];
    try {
      const info = await this.#jsm.streams.info(options.stream);
      const missing = subjects.filter((subject) => !info.config.subjects?.includes(subject));
      if (missing.length > 0) {
        await this.#jsm.streams.update(options.stream, {
          subjects: [...(info.config.subjects ?? []), ...missing],
        });
      }
      return;
    } catch (error) {
      if (!isJetStreamError(error, JETSTREAM_ERRORS.streamNotFound)) throw error;
    }
    try {
      await this.#jsm.streams.add({
        name: options.stream,
        subjects,
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
