import type { DecodedBatch } from "../batch/batch-codec.js";

/** One message to store: the encoded batch, who produced it and its deduplication id. */
export interface OutgoingMessage {
  /** The producer, which selects the subject the message is stored under. */
  readonly producer: string;
  /** Deterministic id: the same id within the duplicate window is stored once. */
  readonly messageId: string;
  readonly data: Uint8Array;
  /** The key it was stored under, for a keyed append (set by the log, kept by the journal). */
  readonly key?: string;
}

/** What the log answered to an append: where the message is, and whether it was already there. */
export interface AppendAck {
  readonly sequence: number;
  readonly duplicate: boolean;
}

/** One stored message read back: its position, and its decoded batch or why it could not be read. */
export type LogRecord = { readonly sequence: number } & (
  | { readonly ok: true; readonly batch: DecodedBatch }
  | { readonly ok: false; readonly error: string }
);

/** What the log answered to a keyed append: stored at `sequence`, or refused because the key moved on. */
export type KeyedAck =
  | { readonly ok: true; readonly sequence: number }
  | { readonly ok: false; readonly conflict: "key-moved" };

/** A message stored under a key, with its position. */
export interface KeyedRecord {
  readonly sequence: number;
  readonly record: LogRecord;
}

/** An ordered read of the log: replays from a position, then follows new appends until closed. */
export interface LogReader extends AsyncIterable<LogRecord> {
  close(): Promise<void>;
}

/**
 * The port through which events are stored and read. Sequences start at 1 and increase by
 * one per stored message; a message id seen within the duplicate window is stored once.
 */
export interface EventLog {
  /** Stores one message; resolves once it is durable in the log. */
  append(message: OutgoingMessage): Promise<AppendAck>;
  /**
   * Stores one message under `key`, in the same ordered log, only if the key's last message is
   * still the one at `after` (0: the key has none). Two writers racing on a key: one stores, the
   * other learns it lost. This is how a command is stored once however many callers race.
   */
  appendKeyed(key: string, message: OutgoingMessage, after: number): Promise<KeyedAck>;
  /** The last message stored under `key`, if any. */
  lastOfKey(key: string): Promise<KeyedRecord | undefined>;
  /** The message stored at `sequence`, if it is there. */
  at(sequence: number): Promise<LogRecord | undefined>;
  /** The sequence of the last stored message, 0 when the log is empty. */
  lastSequence(): Promise<number>;
  /** Reads every message from `fromSequence` (inclusive) in order, then follows the tail. */
  read(fromSequence: number): LogReader;
  /** Releases the adapter's resources; readers end. */
  close(): Promise<void>;
}
