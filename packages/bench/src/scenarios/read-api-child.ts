import { monitorEventLoopDelay } from "node:perf_hooks";
import { ApiTokens, newApiToken, startApi } from "@levity/api-kit";
import { eventOf } from "@levity/events/testing";
import {
  chargePointRoutes,
  EMPTY_STATE,
  evolve,
  type ProjectionState,
} from "@levity/metrics-projector";
import { createLogger } from "@levity/service-kit";

// Run with --expose-gc: folds N charge points' lives (each long enough to fill its ended
// transactions), serves the charge-point API on that state, times real HTTP requests while
// watching the event loop, and measures what the ended transactions cost per charge point.

const chargePoints = Number(process.argv[2]);
const rounds = Number(process.argv[3]);
// Start, connect, boot, statuses, then 17 sessions of 12 events: more than the 16 kept.
const EVENTS_PER_CP = 4 + 12 * 17;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc");

let state: ProjectionState = EMPTY_STATE;
let events = 0;
for (let k = 0; k < EVENTS_PER_CP; k++)
  for (let cp = 0; cp < chargePoints; cp++)
    state = evolve(state, eventOf(cp, k, 1_700_000_000_000 + events++));

const { token, record } = newApiToken("bench", new Date());
const server = await startApi(
  { port: 0, host: "127.0.0.1", tls: undefined },
  {
    tokens: () => new ApiTokens([record]),
    logger: createLogger({ service: "bench", level: "silent" }),
    features: [chargePointRoutes({ state: () => state })],
  },
);
const base = `http://127.0.0.1:${server.port}/v1`;

async function timed(path: string) {
  // The first request of a path compiles its code: timed on its own, then the warm ones.
  const first = performance.now();
  await (await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } })).text();
  const firstMs = performance.now() - first;
  const times: number[] = [];
  let bytes = 0;
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    const response = await fetch(`${base}${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const text = await response.text();
    times.push(performance.now() - started);
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${text}`);
    bytes = Buffer.byteLength(text);
  }
  loop.disable();
  times.sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    path,
    firstMs: round(firstMs),
    medianMs: round(times[Math.floor(times.length / 2)] ?? 0),
    p99Ms: round(times[Math.min(times.length - 1, Math.floor(times.length * 0.99))] ?? 0),
    maxMs: round(times.at(-1) ?? 0),
    // The longest the event loop was held: what event application could have waited.
    maxBlockMs: round(loop.max / 1e6),
    bytes,
  };
}

const middle = `GEN-${Math.floor(chargePoints / 2)}`;
const requests = [
  await timed("/charge-points?limit=100"),
  await timed(`/charge-points?limit=100&after=${middle}`),
  await timed("/charge-points?limit=1000"),
  await timed("/charge-points?status=Faulted"),
  await timed(`/charge-points/${middle}`),
  await timed(`/charge-points/${middle}/transactions?limit=16`),
];
await server.close();

// What the kept ended transactions cost: the heap a copy of every charge point's list takes.
gc();
gc();
const before = process.memoryUsage().heapUsed;
const copies = [...state.cps.values()].map((cp) => structuredClone(cp.endedTransactions ?? []));
gc();
gc();
const endedBytes = process.memoryUsage().heapUsed - before;
const kept = copies[0]?.length ?? 0;
process.stdout.write(
  `${JSON.stringify({
    chargePoints: state.cps.size,
    events,
    endedKeptPerCp: kept,
    endedBytesPerCp: Math.round(endedBytes / chargePoints),
    requests,
  })}\n`,
);
