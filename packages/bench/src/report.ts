import { type AbuseResult, renderAbuse } from "./scenarios/abuse.js";
import { type AdmissionRow, renderAdmission } from "./scenarios/admission.js";
import { type CommandsResult, renderCommands } from "./scenarios/commands.js";
import { type GuessFloodResult, renderGuessFlood } from "./scenarios/guess-flood.js";
import { type NatsRestartResult, renderNatsRestart } from "./scenarios/nats-restart.js";
import { type ProtocolsResult, renderProtocols } from "./scenarios/protocols.js";
import type { RampIdleResult } from "./scenarios/ramp-and-idle.js";
import type { ReplayResult, ScrapeResult } from "./scenarios/replay-and-scrape.js";
import type { SteadyResult } from "./scenarios/steady.js";

/** Everything one `pnpm bench` run measured. */
export interface BenchResults {
  readonly machine: Readonly<Record<string, string>>;
  readonly ramp: readonly RampIdleResult[];
  readonly steady: readonly SteadyResult[];
  /** The steady load through Levity with smaller group-commit bounds. */
  readonly batchBound: readonly SteadyResult[];
  readonly paced: SteadyResult;
  readonly replay: ReplayResult;
  readonly scrapeSmall: ScrapeResult;
  readonly state: { readonly chargePoints: number; readonly bytesPerCp: number };
  readonly abuse: AbuseResult;
  readonly guessFlood: GuessFloodResult;
  readonly admission: readonly AdmissionRow[];
  readonly natsRestart: NatsRestartResult;
  readonly commands: CommandsResult;
  readonly protocols: ProtocolsResult;
}

const mean = (values: readonly number[]) =>
  values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length);
const fmt = (n: number, digits = 0) =>
  Number.isFinite(n) ? n.toLocaleString("en-US", { maximumFractionDigits: digits }) : "n/a";
const verdict = (met: boolean) => (met ? "met" : "**missed**");

function steadyOf(results: BenchResults, system: string) {
  const runs = results.steady.filter((run) => run.system === system);
  const cpu = (role: string) => mean(runs.map((run) => run.cpuUsPerCall[role] ?? 0));
  return {
    callsPerSecond: mean(runs.map((r) => r.callsPerSecond)),
    p50: mean(runs.map((r) => r.p50Ms)),
    p99: mean(runs.map((r) => r.p99Ms)),
    cpu,
    lag: mean(runs.map((r) => r.lagP99Ms ?? 0)),
    eventsPerCommit: mean(runs.map((r) => r.eventsPerCommit ?? 0)),
    runs: runs.length,
  };
}

/** The report: every figure with its target and the baselines measured in the same run. */
export function renderReport(results: BenchResults): string {
  const levityRamp = results.ramp.find((r) => r.system === "levity");
  const rpcRamp = results.ramp.find((r) => r.system === "ocpp-rpc");
  const levity = steadyOf(results, "levity");
  const rpc = steadyOf(results, "ocpp-rpc");
  const bare = steadyOf(results, "bare-ws");
  const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : "n/a");
  const rows: string[][] = [
    ["figure", "target", "Levity", "ocpp-rpc", "bare ws", "Levity / ocpp-rpc", "verdict"],
    [
      `ramp: connect + boot, ${fmt(levityRamp?.rampCps ?? 0)} CPs at concurrency 200`,
      "≥ 2,500 CPs/s",
      `${fmt(levityRamp?.cpsPerSecond ?? 0)} CPs/s`,
      `${fmt(rpcRamp?.cpsPerSecond ?? 0)} CPs/s`,
      "",
      ratio(levityRamp?.cpsPerSecond ?? 0, rpcRamp?.cpsPerSecond ?? 0),
      verdict((levityRamp?.cpsPerSecond ?? 0) >= 2500),
    ],
    [
      "ramp: p99 boot latency",
      "≤ 100 ms",
      `${fmt(levityRamp?.bootP99Ms ?? 0, 1)} ms`,
      `${fmt(rpcRamp?.bootP99Ms ?? 0, 1)} ms`,
      "",
      ratio(levityRamp?.bootP99Ms ?? 0, rpcRamp?.bootP99Ms ?? 0),
      verdict((levityRamp?.bootP99Ms ?? Infinity) <= 100),
    ],
    [
      `idle: RSS per connected CP (${fmt(levityRamp?.idleConnections ?? 0)} held)`,
      "≤ 12 KiB",
      `${fmt((levityRamp?.bytesPerConnection ?? 0) / 1024, 1)} KiB`,
      `${fmt((rpcRamp?.bytesPerConnection ?? 0) / 1024, 1)} KiB`,
      "",
      ratio(levityRamp?.bytesPerConnection ?? 0, rpcRamp?.bytesPerConnection ?? 0),
      verdict((levityRamp?.bytesPerConnection ?? Infinity) <= 12 * 1024),
    ],
    [
      `steady: calls/s, ${fmt(results.steady[0]?.chargePoints ?? 0)} CPs back-to-back (Levity answers after the JetStream ack)`,
      "≥ 10,000",
      fmt(levity.callsPerSecond),
      fmt(rpc.callsPerSecond),
      fmt(bare.callsPerSecond),
      ratio(levity.callsPerSecond, rpc.callsPerSecond),
      verdict(levity.callsPerSecond >= 10_000),
    ],
    [
      "steady: p50 / p99 call latency",
      "p99 ≤ 50 ms",
      `${fmt(levity.p50, 2)} / ${fmt(levity.p99, 1)} ms`,
      `${fmt(rpc.p50, 2)} / ${fmt(rpc.p99, 1)} ms`,
      `${fmt(bare.p50, 2)} / ${fmt(bare.p99, 1)} ms`,
      ratio(levity.p99, rpc.p99),
      verdict(levity.p99 <= 50),
    ],
    [
      "CPU per call: gateway vs the bare-ws floor",
      "≤ 1.15× floor",
      `${fmt(levity.cpu("gateway"))} µs`,
      "",
      `${fmt(bare.cpu("server"))} µs`,
      `${ratio(levity.cpu("gateway"), bare.cpu("server"))} of floor`,
      verdict(levity.cpu("gateway") <= 1.15 * bare.cpu("server")),
    ],
    [
      "CPU per call: gateway + nats-server + projector vs ocpp-rpc",
      "≤ 1.2× ocpp-rpc",
      `${fmt(levity.cpu("system"))} µs (gw ${fmt(levity.cpu("gateway"))}, nats ${fmt(levity.cpu("nats"))}, proj ${fmt(levity.cpu("projector"))})`,
      `${fmt(rpc.cpu("server"))} µs`,
      "",
      ratio(levity.cpu("system"), rpc.cpu("server")),
      verdict(levity.cpu("system") <= 1.2 * rpc.cpu("server")),
    ],
    [
      `event-to-state lag p99 at ${fmt(results.paced.callsPerSecond)} events/s (paced)`,
      "≤ 100 ms at 5,000/s",
      `${fmt(results.paced.lagP99Ms ?? Number.NaN, 1)} ms`,
      "",
      "",
      "",
      verdict((results.paced.lagP99Ms ?? Infinity) <= 100),
    ],
    [
      `replay: ${fmt(results.replay.events)} events (${fmt(results.replay.chargePoints)} CPs)`,
      "≥ 100,000 events/s",
      `${fmt(results.replay.replayEventsPerSecond)} events/s`,
      "",
      "",
      "",
      verdict(results.replay.replayEventsPerSecond >= 100_000),
    ],
    [
      "restart-to-ready: no snapshot / with snapshot",
      "≤ 2 s with snapshot",
      `${fmt(results.replay.readyWithoutSnapshotS, 2)} s / ${fmt(results.replay.readyWithSnapshotS, 2)} s`,
      "",
      "",
      "",
      verdict(results.replay.readyWithSnapshotS <= 2),
    ],
    [
      `scrape: /metrics at ${fmt(results.scrapeSmall.chargePoints)} CPs`,
      "",
      `${fmt(results.scrapeSmall.medianMs, 1)} ms (max ${fmt(results.scrapeSmall.maxMs, 1)}), ${fmt(results.scrapeSmall.bytes / 1024)} KiB, ${fmt(results.scrapeSmall.series)} series`,
      "",
      "",
      "",
      "",
    ],
    [
      `scrape: /metrics at ${fmt(results.replay.scrape.chargePoints)} CPs`,
      "≤ 250 ms",
      `${fmt(results.replay.scrape.medianMs, 1)} ms (max ${fmt(results.replay.scrape.maxMs, 1)}), ${fmt(results.replay.scrape.bytes / 1024)} KiB, ${fmt(results.replay.scrape.series)} series`,
      "",
      "",
      "",
      verdict(results.replay.scrape.maxMs <= 250),
    ],
    [
      `projector state per CP (${fmt(results.state.chargePoints)} CPs, heap after GC)`,
      "≤ 2 KiB",
      `${fmt(results.state.bytesPerCp / 1024, 2)} KiB`,
      "",
      "",
      "",
      verdict(results.state.bytesPerCp <= 2048),
    ],
  ];
  const table = rows.map((row) => `| ${row.join(" | ")} |`);
  table.splice(1, 0, `|${rows[0]?.map(() => "---").join("|")}|`);
  const machine = Object.entries(results.machine)
    .map(([key, value]) => `${key}: ${value}`)
    .join("; ");
  const commit = [
    "Group commit: the steady load at the default bound and at smaller ones.",
    "",
    "| bound (events per message) | events per message | calls/s | p50 / p99 | gateway | nats-server | projector | all three |",
    "|---|---|---|---|---|---|---|---|",
    ...[
      { ...levity, label: "500 (default)" },
      ...results.batchBound.map((run) => ({
        label: run.system.replace(/\D+(\d+).*/, "$1"),
        eventsPerCommit: run.eventsPerCommit ?? 0,
        callsPerSecond: run.callsPerSecond,
        p50: run.p50Ms,
        p99: run.p99Ms,
        cpu: (role: string) => run.cpuUsPerCall[role] ?? 0,
      })),
    ].map(
      (row) =>
        `| ${row.label} | ${fmt(row.eventsPerCommit, 1)} | ${fmt(row.callsPerSecond)} | ${fmt(row.p50, 1)} / ${fmt(row.p99, 1)} ms | ${fmt(row.cpu("gateway"))} µs | ${fmt(row.cpu("nats"))} µs | ${fmt(row.cpu("projector"))} µs | ${fmt(row.cpu("system"))} µs |`,
    ),
  ].join("\n");
  return [
    `Machine: ${machine}. Everything local: load generator, NATS, gateway and projector share the cores.`,
    "",
    ...table,
    "",
    commit,
    "",
    renderAbuse(results.abuse),
    renderGuessFlood(results.guessFlood),
    renderAdmission(results.admission),
    "",
    renderNatsRestart(results.natsRestart),
    "",
    renderCommands(results.commands),
    "",
    renderProtocols(results.protocols),
  ].join("\n");
}
