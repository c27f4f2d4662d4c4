import { type KV, Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import { nextBlockStart, type TransactionIdBlocks } from "./transaction-ids.js";

const KEY = "last";

/**
 * Transaction id blocks from a compare-and-set counter in a JetStream KV bucket: the value is the
 * last id reserved, and a reservation only succeeds against the revision it read. Only
 * transactions advance it, so it stays far from the int32 limit for years.
 */
export class KvTransactionIdBlocks implements TransactionIdBlocks {
  readonly #kv: KV;

  private constructor(kv: KV) {
    this.#kv = kv;
  }

  /** Opens (creating if needed) the counter's bucket. */
  static async open(
    connection: NatsConnection,
    bucket: string,
    replicas = 1,
  ): Promise<KvTransactionIdBlocks> {
    const kv = await new Kvm(connection).create(bucket, { history: 1, replicas });
    return new KvTransactionIdBlocks(kv);
  }

  async reserve(size: number): Promise<number> {
    for (;;) {
      const entry = await this.#kv.get(KEY);
      if (entry?.operation !== "PUT") {
        if (await this.#attempt(() => this.#kv.create(KEY, String(size)))) return 1;
        continue;
      }
      const first = nextBlockStart(Number(entry.string()), size);
      const last = first + size - 1;
      if (await this.#attempt(() => this.#kv.update(KEY, String(last), entry.revision)))
        return first;
    }
  }

  // A failed compare-and-set means another gateway reserved first: read again and retry.
  async #attempt(write: () => Promise<number>): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (error) {
      if (isConflict(error)) return false;
      throw error;
    }
  }
}

function isConflict(error: unknown): boolean {
  const message = error instanceof Error ? error.message : "";
  return /wrong last sequence|key exists/i.test(message);
}
