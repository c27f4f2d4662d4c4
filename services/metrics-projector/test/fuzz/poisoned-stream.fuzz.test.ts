import { fileURLToPath } from "node:url";
import { subjectSpace } from "@levity/events";
import { JetStreamEventLog } from "@levity/nats";
import {
  eventually,
  freePort,
  type ProvidedNats,
  provideNats,
  type SpawnedProcess,
  sampleValue,
  scrapeMetrics,
  spawnProcess,
  uniqueName,
} from "@levity/testkit";
import { type JetStreamClient, jetstream } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REJECTIONS } from "../../src/metrics/projector-metrics.js";
import { createEvolve } from "../../src/state/evolve.js";
import { DEFAULT_WORLD } from "./arbitraries.js";
import { fleetSeries, renderedSamples } from "./state-checks.js";
import {
  expectedOutcome,
  type PlannedMessage,
  type Rejections,
  streamArbitrary,
} from "./stream-model.js";

// The built projector against a real nats-server, its stream poisoned straight on the subjects the
// gateways publish to: it must stay up and ready, count each rejection by reason, show the fleet
// the valid events alone make, and come back to the same after SIGKILL, replaying the poison.

const PROJECTOR = fileURLToPath(new URL("../../dist/main.js", import.meta.url));
const LIMITS = { maxChargePoints: 4, maxErrorTypes: 3 };
// Short, so that a batch can be published again past it and reach the projector twice.
const DUPLICATE_WINDOW_MS = 300;
const NO_REJECTIONS: Rejections = {
  "unreadable-message": 0,
  "contract-violation": 0,
  "duplicate-batch": 0,
};

let nats: ProvidedNats;
let connection: NatsConnection;
const processes: SpawnedProcess[] = [];
beforeAll(async () => {
  nats = await provideNats();
  connection = await connect({ servers: nats.url });
});
afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop("SIGKILL")));
  await connection?.close();
  await nats?.dispose();
});

/** Publishes as a gateway does: its subject, its message id; re-publications wait out the window. */
async function publish(
  js: JetStreamClient,
  prefix: string,
  messages: readonly PlannedMessage[],
  seen: Set<string>,
) {
  const subjects = subjectSpace(prefix);
  for (const { producer, messageId, data } of messages) {
    const send = () => js.publish(subjects.events(producer), data, { msgID: messageId });
    if (seen.has(messageId)) {
      await eventually(async () => expect((await send()).duplicate).toBe(false), {
        intervalMs: 100,
      });
    } else {
      expect((await send()).duplicate).toBe(false);
    }
    seen.add(messageId);
  }
}

function startProjector(env: NodeJS.ProcessEnv, port: number) {
  const projector = spawnProcess(process.execPath, [PROJECTOR], {
    env: { ...env, METRICS_PORT: String(port) },
  });
  processes.push(projector);
  return projector;
}

async function whenReady(projector: SpawnedProcess, port: number) {
  await projector.waitForOutput(/projector started/);
  await eventually(async () =>
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200),
  );
}

/** What the projector shows: rejections by reason, fleet series, and the sequence it is at. */
async function observe(port: number) {
  const metrics = await scrapeMetrics(`http://127.0.0.1:${port}/metrics`);
  const rejected = Object.fromEntries(
    REJECTIONS.map((reason) => [
      reason,
      sampleValue(metrics, "levity_projector_events_rejected_total", { reason }),
    ]),
  ) as Rejections;
  // Restored from a snapshot with nothing after it, the projector applies nothing: its position
  // is then the snapshot's.
  const sequence = Math.max(
    sampleValue(metrics, "levity_projector_last_applied_sequence") ?? 0,
    sampleValue(metrics, "levity_projector_snapshot_sequence") ?? 0,
  );
  return { rejected, fleet: fleetSeries(metrics.samples), sequence };
}

describe("fuzz: the projector process on a poisoned JetStream stream", () => {
  it("stays up, counts what it skips, projects only valid events, and restarts to the same", async () => {
    await fc.assert(
      fc.asyncProperty(streamArbitrary(DEFAULT_WORLD, 2), async ([replayed = [], live = []]) => {
        const evolve = createEvolve(LIMITS);
        const before = expectedOutcome(replayed, evolve);
        const after = expectedOutcome(live, evolve, before);
        for (const reason of REJECTIONS) {
          expect(before.rejected[reason]).toBeGreaterThan(0);
          expect(after.rejected[reason]).toBeGreaterThan(before.rejected[reason]);
        }

        const prefix = uniqueName("fuzz");
        const stream = prefix.toUpperCase();
        const log = await JetStreamEventLog.open(connection, {
          stream,
          subjectPrefix: prefix,
          duplicateWindowMs: DUPLICATE_WINDOW_MS,
        });
        const js = jetstream(connection);
        const env = {
          ...process.env,
          NATS_URL: nats.url,
          EVENT_STREAM: stream,
          SUBJECT_PREFIX: prefix,
          MAX_PROJECTED_CHARGE_POINTS: String(LIMITS.maxChargePoints),
          MAX_ERROR_TYPES: String(LIMITS.maxErrorTypes),
          // No gateway is declared lost, and no snapshot is written, while the test runs.
          GATEWAY_TIMEOUT: "86400",
          SNAPSHOT_EVERY: "1000000",
          SNAPSHOT_INTERVAL: "86400",
          LOG_LEVEL: "info",
        };
        const port = await freePort();
        const fleetBefore = fleetSeries(await renderedSamples(before.state));
        const fleetAfter = fleetSeries(await renderedSamples(after.state));

        const published = new Set<string>();
        await publish(js, prefix, replayed, published);
        let projector = startProjector(env, port);
        await whenReady(projector, port);
        expect(await observe(port)).toEqual({
          rejected: before.rejected,
          fleet: fleetBefore,
          sequence: await log.lastSequence(),
        });

        await publish(js, prefix, live, published);
        const last = await log.lastSequence();
        await eventually(async () =>
          expect(await observe(port)).toEqual({
            rejected: after.rejected,
            fleet: fleetAfter,
            sequence: last,
          }),
        );
        expect(projector.running).toBe(true);
        expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);

        // Killed: no snapshot was written, so the restart replays every poisoned message.
        await projector.stop("SIGKILL");
        projector = startProjector(env, port);
        await whenReady(projector, port);
        expect(projector.output).not.toContain("restored snapshot");
        expect(await observe(port)).toEqual({
          rejected: after.rejected,
          fleet: fleetAfter,
          sequence: last,
        });

        // Stopped cleanly: it restores its final snapshot and has nothing left to reject.
        expect((await projector.stop("SIGTERM")).code).toBe(0);
        projector = startProjector(env, port);
        await whenReady(projector, port);
        expect(projector.output).toContain("restored snapshot");
        expect(await observe(port)).toEqual({
          rejected: NO_REJECTIONS,
          fleet: fleetAfter,
          sequence: last,
        });
        expect(projector.output).not.toContain("reading the event stream failed");
        await projector.stop("SIGTERM");
      }),
      // One stream per run of the suite: a process per run would be slow, and shrinking slower.
      { numRuns: 1, endOnFailure: true },
    );
  }, 60_000);
});
