import { subjectSpace } from "@levity/events";
import { append, eventLogContract, take } from "@levity/events/event-log-contract";
import { cpEvent } from "@levity/events/testing";
import {
  eventually,
  NatsServerProcess,
  type ProvidedNats,
  provideNats,
  uniqueName,
} from "@levity/testkit";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JetStreamEventLog } from "../src/index.js";

let nats: ProvidedNats;
let connection: NatsConnection;

beforeAll(async () => {
  nats = await provideNats();
  connection = await connect({ servers: nats.url });
});
afterAll(async () => {
  await connection?.drain();
  await nats?.dispose();
});

// Each test gets its own stream and subject prefix, so the suite is safe on a shared server.
async function openIsolated(extra = {}) {
  const subjectPrefix = uniqueName("t");
  const stream = subjectPrefix.toUpperCase();
  const log = await JetStreamEventLog.open(connection, { stream, subjectPrefix, ...extra });
  return { log, stream, subjectPrefix };
}

eventLogContract("JetStream", async () => {
  const { log, stream } = await openIsolated();
  return {
    log,
    dispose: async () => {
      await log.close();
      const jsm = await (await import("@nats-io/jetstream")).jetstreamManager(connection);
      await jsm.streams.delete(stream);
    },
  };
});

describe("JetStream event log", () => {
  it("opens an existing stream without changing it", async () => {
    const { log, stream, subjectPrefix } = await openIsolated();
    await append(
      log,
      { producer: "gw", instance: "i", batch: 1, events: [cpEvent("cp.heartbeat", {})] },
      "a",
    );
    const again = await JetStreamEventLog.open(connection, { stream, subjectPrefix });
    expect(await again.lastSequence()).toBe(1);
  });

  it("stores each producer's batches under its own escaped subject", async () => {
    const { log, stream, subjectPrefix } = await openIsolated();
    await append(
      log,
      { producer: "gw.a>", instance: "i", batch: 1, events: [cpEvent("cp.heartbeat", {})] },
      "a",
    );
    const jsm = await (await import("@nats-io/jetstream")).jetstreamManager(connection);
    const stored = await jsm.streams.getMessage(stream, { seq: 1 });
    expect(stored?.subject).toBe(subjectSpace(subjectPrefix).events("gw.a>"));
  });

  it("reports a stored message that is not a batch instead of failing the reader", async () => {
    const { log, subjectPrefix } = await openIsolated();
    const js = (await import("@nats-io/jetstream")).jetstream(connection);
    await js.publish(`${subjectPrefix}.events.intruder`, "garbage");
    await append(
      log,
      { producer: "gw", instance: "i", batch: 1, events: [cpEvent("cp.heartbeat", {})] },
      "ok",
    );
    const records = await take(log.read(1), 2);
    expect(records[0]).toEqual({
      sequence: 1,
      ok: false,
      error: "message is not JSON",
    });
    expect(records[1]?.ok).toBe(true);
  });

  it("adds the subjects of keyed messages to a stream made before they existed", async () => {
    const subjectPrefix = uniqueName("t");
    const stream = subjectPrefix.toUpperCase();
    const jsm = await (await import("@nats-io/jetstream")).jetstreamManager(connection);
    await jsm.streams.add({ name: stream, subjects: [`${subjectPrefix}.events.*`] });
    await JetStreamEventLog.open(connection, { stream, subjectPrefix });
    expect((await jsm.streams.info(stream)).config.subjects).toEqual([
      `${subjectPrefix}.events.*`,
      `${subjectPrefix}.keyed.*`,
    ]);
  });

  it("keeps message ids for the configured duplicate window", async () => {
    const { stream } = await openIsolated({ duplicateWindowMs: 5_000 });
    const jsm = await (await import("@nats-io/jetstream")).jetstreamManager(connection);
    const info = await jsm.streams.info(stream);
    expect(info.config.duplicate_window).toBe(5_000 * 1_000_000);
    expect(info.config.subjects).toEqual([
      `${stream.toLowerCase()}.events.*`,
      `${stream.toLowerCase()}.keyed.*`,
    ]);
  });
});

describe("JetStream event log across a nats-server restart", () => {
  it("keeps following after a SIGKILL and restart, missing and repeating nothing", async () => {
    const server = await NatsServerProcess.start();
    const options = { servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 };
    const writer = await connect(options);
    const reading = await connect(options);
    const restarts: string[] = [];
    try {
      const log = await JetStreamEventLog.open(writer, {});
      const followed = await JetStreamEventLog.open(reading, {
        onReaderRestart: (reason) => restarts.push(reason),
      });
      const batch = (n: number) => ({
        producer: "gw",
        instance: "i",
        batch: n,
        events: [cpEvent("cp.heartbeat", {}, { cpId: `CP-${n}` })],
      });
      // More than one pull's worth before the crash, so a stale pull count would starve the reader.
      for (let n = 1; n <= 1_500; n++) await append(log, batch(n), `m${n}`);
      const seen: number[] = [];
      const reader = followed.read(1);
      const drained = (async () => {
        for await (const record of reader) seen.push(record.sequence);
      })();
      await eventually(() => expect(seen).toHaveLength(1_500));
      await server.kill();
      await server.restart();
      for (let n = 1_501; n <= 3_000; n++) {
        await eventually(() => append(log, batch(n), `m${n}`), { timeoutMs: 10_000 });
      }
      await eventually(() => expect(seen).toHaveLength(3_000), { timeoutMs: 10_000 });
      expect(seen).toEqual(Array.from({ length: 3_000 }, (_, i) => i + 1));
      expect(restarts).toContain("reconnected");
      await reader.close();
      await drained;
    } finally {
      await writer.close();
      await reading.close();
      await server.dispose();
    }
  });
});
