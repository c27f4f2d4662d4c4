import { randomBytes } from "node:crypto";
import { type ProvidedNats, provideNats, uniqueName } from "@levity/testkit";
import { Kvm } from "@nats-io/kv";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KvSnapshotStore } from "../../src/snapshots/kv-snapshot-store.js";

let nats: ProvidedNats;
let connection: NatsConnection;
beforeAll(async () => {
  nats = await provideNats();
  connection = await connect({ servers: nats.url });
});
afterAll(async () => {
  await connection?.close();
  await nats?.dispose();
});

describe("KV snapshot store", () => {
  it("has nothing to load before the first save", async () => {
    const store = await KvSnapshotStore.open(connection, uniqueName("SNAP"));
    expect(await store.load()).toBeUndefined();
  });

  it("stores snapshots larger than one NATS message and keeps only the latest", async () => {
    const bucket = uniqueName("SNAP");
    const store = await KvSnapshotStore.open(connection, bucket);
    const first = randomBytes(3 * 1024 * 1024 + 17);
    await store.save(first);
    expect(Buffer.from((await store.load()) ?? [])).toEqual(first);
    const second = randomBytes(700 * 1024);
    await store.save(second);
    expect(
      Buffer.from((await KvSnapshotStore.open(connection, bucket).then((s) => s.load())) ?? []),
    ).toEqual(second);
    const kv = await new Kvm(connection).open(bucket);
    const keys: string[] = [];
    for await (const key of await kv.keys()) keys.push(key);
    expect(keys.filter((key) => key.startsWith("chunk.")).length).toBe(2);
  });
});
