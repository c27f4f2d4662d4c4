import { randomBytes } from "node:crypto";
import { type KV, Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import type { SnapshotStore } from "./snapshot-store.js";

const MANIFEST = "manifest";
// Below NATS's default 1 MiB max_payload, whatever the server's setting.
const CHUNK_BYTES = 512 * 1024;

interface Manifest {
  readonly id: string;
  readonly chunks: number;
  readonly bytes: number;
}

/**
 * Snapshots in a JetStream KV bucket. A snapshot of thousands of charge points exceeds one
 * message, so it is written in chunks under a fresh id and then published by swapping the
 * manifest key: a reader never sees a half-written snapshot. Older chunks are deleted after.
 */
export class KvSnapshotStore implements SnapshotStore {
  readonly #kv: KV;

  private constructor(kv: KV) {
    this.#kv = kv;
  }

  static async open(
    connection: NatsConnection,
    bucket: string,
    replicas = 1,
  ): Promise<KvSnapshotStore> {
    return new KvSnapshotStore(await new Kvm(connection).create(bucket, { history: 1, replicas }));
  }

  async load(): Promise<Uint8Array | undefined> {
    const entry = await this.#kv.get(MANIFEST);
    if (entry?.operation !== "PUT") return undefined;
    const manifest = entry.json<Manifest>();
    const data = new Uint8Array(manifest.bytes);
    let offset = 0;
    for (let index = 0; index < manifest.chunks; index++) {
      const chunk = await this.#kv.get(chunkKey(manifest.id, index));
      if (chunk?.operation !== "PUT") return undefined;
      data.set(chunk.value, offset);
      offset += chunk.value.length;
    }
    return offset === manifest.bytes ? data : undefined;
  }

  async save(data: Uint8Array): Promise<void> {
    const previous = await this.#kv.get(MANIFEST);
    const manifest: Manifest = {
      id: randomBytes(6).toString("hex"),
      chunks: Math.max(1, Math.ceil(data.length / CHUNK_BYTES)),
      bytes: data.length,
    };
    for (let index = 0; index < manifest.chunks; index++) {
      await this.#kv.put(
        chunkKey(manifest.id, index),
        data.subarray(index * CHUNK_BYTES, (index + 1) * CHUNK_BYTES),
      );
    }
    await this.#kv.put(MANIFEST, JSON.stringify(manifest));
    if (previous?.operation === "PUT") {
      const old = previous.json<Manifest>();
      for (let index = 0; index < old.chunks; index++)
        await this.#kv.purge(chunkKey(old.id, index));
    }
  }
}

function chunkKey(id: string, index: number): string {
  return `chunk.${id}.${index}`;
}
