import { mkdir, writeFile } from "node:fs/promises";
import { cpus, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { spawnProcess } from "@levity/testkit";
import { type BenchResults, renderReport } from "./report.js";
import { abuse, abuseOptions } from "./scenarios/abuse.js";
import { admission, admissionSizes } from "./scenarios/admission.js";
import { commandsAcrossGateways, commandsOptions } from "./scenarios/commands.js";
import { guessFlood, guessFloodOptions } from "./scenarios/guess-flood.js";
import { natsRestart, natsRestartOptions } from "./scenarios/nats-restart.js";
import { protocols, protocolsOptions, startProtocolsLevity } from "./scenarios/protocols.js";
import { rampAndIdle } from "./scenarios/ramp-and-idle.js";
import { replayAndScrape, type ScrapeResult, timeScrapes } from "./scenarios/replay-and-scrape.js";
import { stateSize } from "./scenarios/state-size.js";
import { type SteadyResult, steady } from "./scenarios/steady.js";
import { startBaseline, startLevity, withSystem } from "./scenarios/systems.js";

// pnpm bench: figures, not tests. Runs every scenario on this machine and writes the results to
// .bench/ (JSON and the Markdown table for docs/benchmarks.md). Build first (pnpm build).

const quick = process.env.BENCH_QUICK === "1";
const scale = {
  ramp: quick ? 1_000 : 10_000,
  hold: quick ? 1_500 : 15_000,
  steadyCps: quick ? 200 : 1_000,
  steadySeconds: quick ? 4 : 15,
  rounds: quick ? 1 : 2,
  replayCps: quick ? 1_000 : 10_000,
};
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

async function natsVersion(): Promise<string> {
  const child = spawnProcess("nats-server", ["--version"]);
  await child.exited;
  return child.output.trim();
}

const machine = {
  cpus: `${cpus().length} × ${cpus()[0]?.model ?? "unknown"}`,
  memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
  node: process.version,
  "nats-server": await natsVersion(),
  mode: quick ? "quick (reduced sizes)" : "full",
};
log(`machine: ${JSON.stringify(machine)}`);

log(`ramp and idle: Levity (${scale.ramp} CPs, then ${scale.hold} held)`);
const ramp = [
  await withSystem(startLevity, (system) =>
    rampAndIdle(system, system.pids.gateway ?? 0, scale.ramp, scale.hold, 200),
  ),
];
log("ramp and idle: ocpp-rpc");
ramp.push(
  await withSystem(
    () => startBaseline("ocpp-rpc"),
    (system) => rampAndIdle(system, system.pids.server ?? 0, scale.ramp, scale.hold, 200),
  ),
);

log(`steady: ${scale.steadyCps} CPs back-to-back, ${scale.rounds} rounds alternating systems`);
const levity = await startLevity();
const baselines = [await startBaseline("ocpp-rpc"), await startBaseline("bare-ws")];
const steadyRuns: SteadyResult[] = [];
let paced: SteadyResult;
let scrapeSmall: ScrapeResult;
try {
  for (let round = 0; round < scale.rounds; round++) {
    for (const system of [levity, ...baselines]) {
      const result = await steady(system, {
        chargePoints: scale.steadyCps,
        seconds: scale.steadySeconds,
        warmupSeconds: 3,
      });
      log(
        `  ${system.name}: ${result.callsPerSecond} calls/s, p99 ${result.p99Ms} ms, CPU ${JSON.stringify(result.cpuUsPerCall)} µs/call`,
      );
      steadyRuns.push(result);
    }
  }
  log("paced: 5,000 calls/s through Levity, event-to-state lag");
  paced = await steady(levity, {
    chargePoints: scale.steadyCps,
    seconds: scale.steadySeconds,
    warmupSeconds: 3,
    perSecond: 5_000,
  });
  log(`  ${paced.callsPerSecond} calls/s, lag p99 ${paced.lagP99Ms} ms`);
  scrapeSmall = await timeScrapes(`${levity.projectorOps}/metrics`, scale.steadyCps);
} finally {
  await levity.stop();
  for (const baseline of baselines) await baseline.stop();
}

log("batch bound: the same steady load with smaller group commits");
const batchBound: SteadyResult[] = [];
for (const maxEvents of [1, 10, 50]) {
  const result = await withSystem(
    () => startLevity({ gateway: true, gatewayEnv: { BATCH_MAX_EVENTS: String(maxEvents) } }),
    (system) =>
      steady(system, {
        chargePoints: scale.steadyCps,
        seconds: scale.steadySeconds,
        warmupSeconds: 3,
      }),
  );
  log(
    `  at most ${maxEvents} per message: ${result.callsPerSecond} calls/s, p99 ${result.p99Ms} ms, ${JSON.stringify(result.cpuUsPerCall)}`,
  );
  batchBound.push({ ...result, system: `levity, ≤ ${maxEvents} events per message` });
}

log(`replay: ${scale.replayCps * 100} events of ${scale.replayCps} CPs`);
const replay = await replayAndScrape(scale.replayCps);
log(
  `  ${replay.replayEventsPerSecond} events/s; ready in ${replay.readyWithoutSnapshotS} s, ${replay.readyWithSnapshotS} s with a snapshot`,
);

log("state size: the projection of the same fleet, after garbage collection");
const state = await stateSize(scale.replayCps);

const abuseSizes = abuseOptions(quick);
log(`abuse: ${abuseSizes.neighbours} charge points beside ${abuseSizes.abusers} abusive clients`);
const abused = await withSystem(startLevity, (system) => abuse(system, abuseSizes));
log(`  Heartbeat p99 ${abused.alone.p99Ms} ms alone, ${abused.underAbuse.p99Ms} ms under abuse`);

log("guess flood: 500 password guesses in flight beside admitted charge points");
const flood = await guessFlood(guessFloodOptions(quick));
log(`  Heartbeat p99 ${flood.alone.p99Ms} ms alone, ${flood.underFlood.p99Ms} ms during the flood`);

log("admission: registered charge points connecting at once, the first time and again");
const admitted = await admission(admissionSizes(quick));

log("commands: API on one gateway, charge points on another, paced and back to back");
const commanded = await commandsAcrossGateways(commandsOptions(quick));
log(
  `  p99 ${commanded.paced.p99Ms} ms at ${commanded.paced.perSecond}/s; ${commanded.saturated.perSecond}/s back to back`,
);

log("protocols: a 2.0.1 fleet beside a 1.6 one, the same mix through one Levity");
const versions = await withSystem(startProtocolsLevity, (system) =>
  protocols(system, protocolsOptions(quick)),
);
log(`  gateway CPU per call, 2.0.1 ÷ 1.6: ${versions.gatewayCpuRatio}`);

log("nats-server restarts: SIGKILL under load, back a second later; the projector's recovery");
const restarted = await withSystem(startLevity, (system) =>
  natsRestart(system, natsRestartOptions(quick)),
);
log(`  projector at the stream's end ${restarted.rounds.map((r) => `${r.resumeS} s`).join(", ")}`);

const results: BenchResults = {
  machine,
  ramp,
  steady: steadyRuns,
  batchBound,
  paced,
  replay,
  scrapeSmall,
  state,
  abuse: abused,
  guessFlood: flood,
  admission: admitted,
  natsRestart: restarted,
  commands: commanded,
  protocols: versions,
};
const report = renderReport(results);
const out = fileURLToPath(new URL("../../../.bench/", import.meta.url));
await mkdir(out, { recursive: true });
await writeFile(`${out}results.json`, `${JSON.stringify(results, null, 2)}\n`);
await writeFile(`${out}report.md`, report);
process.stdout.write(`\n${report}\nWritten to .bench/results.json and .bench/report.md\n`);
