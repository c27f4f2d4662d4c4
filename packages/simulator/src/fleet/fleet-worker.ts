import { parentPort, workerData } from "node:worker_threads";
import type { FleetPlan } from "./fleet-plan.js";
import { FleetStats } from "./fleet-stats.js";
import { type Acknowledged, runFleet } from "./run-fleet.js";

// One worker thread's share of a fleet: reports its counters every second and at the end, and
// forwards acknowledged calls and received commands in batches; says when it runs (a --duration
// counts from then); stops when the main thread says so.

const port = parentPort;
if (!port) throw new Error("fleet-worker must run in a worker thread");
const stats = new FleetStats();
const stop = new AbortController();
let acks: Acknowledged[] = [];
let commands: Acknowledged[] = [];
const flush = () => {
  port.postMessage({ kind: "progress", stats: stats.snapshot(), acks, commands });
  acks = [];
  commands = [];
};
port.on("message", (message: { kind: string }) => {
  if (message.kind === "stop") stop.abort();
});
const timer = setInterval(flush, 1_000);
port.postMessage({ kind: "running" });
await runFleet(workerData as FleetPlan, stats, stop.signal, {
  acknowledged: (record) => acks.push(record),
  commandReceived: (record) => commands.push(record),
});
clearInterval(timer);
port.postMessage({ kind: "done", stats: stats.snapshot(), acks, commands });
