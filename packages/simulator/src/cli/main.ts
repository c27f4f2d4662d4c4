#!/usr/bin/env node
import { createWriteStream } from "node:fs";
import { readConfig } from "@levity/service-kit";
import type { FleetPlan } from "../fleet/fleet-plan.js";
import { splitPlan } from "../fleet/fleet-plan.js";
import { FleetStats, mergeStats, type StatsSnapshot } from "../fleet/fleet-stats.js";
import {
  type Acknowledged,
  type RunRecords,
  runFleet,
  simulationContext,
} from "../fleet/run-fleet.js";
import { runInWorkers } from "../fleet/worker-pool.js";
import { loadScenario } from "../scenario/load-scenario.js";
import { runScenario } from "../scenario/run-scenario.js";
import { simulatorOptions } from "./sim-options.js";
import { progressLine, statsLine, summarise } from "./summary.js";

const config = readConfig(simulatorOptions, {
  usage: "levity-sim [options]   (node packages/simulator/dist/cli/main.js)",
  summary:
    "Simulates OCPP 1.6J and 2.0.1 charge points against a central system: a random but reproducible fleet, or a scripted scenario.\n" +
    "Prints progress on a terminal and a JSON summary at the end; exits 1 if the server misbehaved (schema-invalid\n" +
    "answer, unexpected CALLERROR, timeout), 2 on a bad option.",
});

const plan: FleetPlan = {
  url: config.url,
  prefix: config.prefix,
  first: config.first,
  count: config.count,
  connectors: config.connectors,
  protocol: config.protocol,
  protocolMix: config.protocolMix,
  seed: config.seed,
  rates: {
    rampS: config.ramp,
    idleMeanS: config.idleMean,
    chargeMeanS: config.chargeMean,
    meterIntervalS: config.meterInterval,
    faultsPerHour: config.faultRate,
    rebootsPerHour: config.rebootRate,
    dropsPerHour: config.dropRate,
  },
  callTimeoutMs: config.callTimeout,
  expectedErrors:
    config.expectErrors === "-" ? [] : config.expectErrors.split(",").map((code) => code.trim()),
  password: config.password,
  rejectRate: config.rejectRate,
  silentRate: config.silentRate,
};

const stop = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => stop.abort());
// --duration counts from when the charge points run, not from when the process started.
const runFor = () => {
  if (config.duration > 0) setTimeout(() => stop.abort(), config.duration * 1000).unref();
};

const ackLog = config.ackLog ? createWriteStream(config.ackLog) : undefined;
const commandLog = config.commandLog ? createWriteStream(config.commandLog) : undefined;
const records: RunRecords = {
  acknowledged: (record: Acknowledged) => ackLog?.write(`${JSON.stringify(record)}\n`),
  commandReceived: (record: Acknowledged) => commandLog?.write(`${JSON.stringify(record)}\n`),
};
const started = performance.now();
let latest: () => StatsSnapshot = () => new FleetStats().snapshot();
let previousCalls = 0;
const progress = process.stderr.isTTY
  ? setInterval(() => {
      const snapshot = latest();
      const calls = Object.values(snapshot.calls).reduce((sum, count) => sum + count, 0);
      process.stderr.write(`\r${progressLine(snapshot, calls - previousCalls)}   `);
      previousCalls = calls;
    }, 1_000)
  : undefined;
const statsLines =
  config.statsInterval > 0
    ? setInterval(
        () => process.stderr.write(statsLine(latest(), Date.now())),
        config.statsInterval * 1000,
      )
    : undefined;

let final: StatsSnapshot;
let mode: string;
let chargePoints = plan.count;
if (config.scenario) {
  const loaded = await loadScenario(config.scenario);
  if (!loaded.ok) {
    process.stderr.write(`error: ${loaded.error}\n`);
    process.exit(2);
  }
  const stats = new FleetStats();
  latest = () => stats.snapshot();
  mode = "scenario";
  chargePoints = loaded.scenario.chargePoints.length;
  runFor();
  await runScenario(
    loaded.scenario,
    simulationContext(plan, stats, records),
    plan.seed,
    stop.signal,
    plan,
  );
  final = stats.snapshot();
} else if (config.workers > 1) {
  let parts: readonly StatsSnapshot[] = [];
  latest = () => mergeStats(parts);
  mode = "fleet";
  final = mergeStats(
    await runInWorkers(
      splitPlan(plan, config.workers),
      stop.signal,
      (current) => {
        parts = current;
      },
      records,
      runFor,
    ),
  );
} else {
  const stats = new FleetStats();
  latest = () => stats.snapshot();
  mode = "fleet";
  runFor();
  await runFleet(plan, stats, stop.signal, records);
  final = stats.snapshot();
}

clearInterval(statsLines);
if (progress) {
  clearInterval(progress);
  process.stderr.write("\n");
}
for (const log of [ackLog, commandLog])
  await new Promise<void>((resolve) => (log ? log.end(resolve) : resolve()));
const summary = summarise(final, {
  url: plan.url,
  mode,
  chargePoints,
  seed: plan.seed,
  seconds: (performance.now() - started) / 1000,
});
process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
process.exit(summary.misbehaved ? 1 : 0);
