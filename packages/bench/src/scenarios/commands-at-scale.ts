import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import type { GatewayProcess } from "@levity/testkit";
import * as hdr from "hdr-histogram-js";
import { type CallsResult, LoadDriver } from "../load/load-driver.js";
import { encodeLatency, latencyMs, newLatencyHistogram } from "../measure/latency.js";
import { cpuSeconds } from "../measure/proc-stats.js";
import { startCommandsLevity } from "./systems.js";

/** p50, p99 and max of a latency, milliseconds. */
export interface Percentiles {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** One process's CPU with the fleet alone, and with the commands on top. */
export interface ProcessCpu {
  readonly role: string;
  /** Cores used while only the fleet's inbound calls ran. */
  readonly fleetCores: number;
  /** Cores used during the commands window (fleet and commands). */
  readonly windowCores: number;
  /** CPU microseconds per command above what the fleet alone costs. */
  readonly usPerCommand: number;
}

/** Commands at a paced rate to a large fleet on two gateways while the fleet sends its own calls. */
export interface CommandsAtScaleResult {
  readonly chargePoints: number;
  readonly connect: {
    readonly connected: number;
    readonly failed: number;
    readonly seconds: number;
  };
  readonly fleet: Percentiles & {
    readonly calls: number;
    readonly errors: number;
    readonly perSecond: number;
  };
  readonly commands: {
    readonly targetPerSecond: number;
    readonly seconds: number;
    readonly sent: number;
    readonly answered: number;
    /** Sent commands per second of the window, and answered ones per second until the last answer. */
    readonly sentPerSecond: number;
    readonly answeredPerSecond: number;
    /** Failed round trips by HTTP status ("network" when no response came). */
    readonly errors: Readonly<Record<string, number>>;
    readonly all: Percentiles;
    /** Charge point on the gateway whose API was called. */
    readonly local: Percentiles;
    /** Charge point on the other gateway: the command crosses NATS to it and back. */
    readonly crossing: Percentiles;
    /** Errors in the unmeasured warm-up (claims still settling, JIT), by HTTP status. */
    readonly warmUpErrors: Readonly<Record<string, number>>;
  };
  readonly cpu: readonly ProcessCpu[];
}

/** 20,000 charge points on two gateways, 1,000 commands/s for 30 s; quick: a tenth. */
export function commandsAtScaleOptions(quick: boolean) {
  return {
    chargePoints: quick ? 2_000 : 20_000,
    commandsPerSecond: quick ? 100 : 1_000,
    /** Inbound calls per second from each gateway's half of the fleet. */
    fleetPerSecond: quick ? 100 : 200,
    fleetOnlySeconds: quick ? 3 : 10,
    warmUpSeconds: quick ? 2 : 5,
    seconds: quick ? 5 : 30,
    connectConcurrency: 200,
    /** Keep-alive connections each caller may open to one gateway's API. */
    socketsPerApi: 256,
  };
}

type Options = ReturnType<typeof commandsAtScaleOptions>;

const PREFIX = "SCALE-";
// Whatever else ran on the machine meanwhile: on a shared machine it takes cores from the run.
const OTHERS = "other processes on the machine";
const round = (n: number) => Math.round(n);

/**
 * Levity on one nats-server with a projector and two gateways, each holding half the fleet (each
 * half in its own load process). While both halves send their paced calls, ClearCache commands
 * go on a schedule to random charge points, alternately through each gateway's API, so half of
 * them cross to the other gateway.
 */
export async function commandsAtScale(options: Options): Promise<CommandsAtScaleResult> {
  // The API admits only identities it may hold: any of the whole fleet, on either gateway.
  const levity = await startCommandsLevity(["bench-a", "bench-b"], {
    MAX_CHARGE_POINTS: String(options.chargePoints),
  });
  const { token, nats, projector } = levity;
  const [a, b] = levity.gateways as [GatewayProcess, GatewayProcess];
  const drivers: LoadDriver[] = [];
  try {
    drivers.push(await LoadDriver.start(), await LoadDriver.start());
    const [onA, onB] = drivers as [LoadDriver, LoadDriver];
    const half = Math.floor(options.chargePoints / 2);
    const connects = await Promise.all([
      onA.connect(a.url, PREFIX, 0, half, options.connectConcurrency),
      onB.connect(b.url, PREFIX, half, options.chargePoints - half, options.connectConcurrency),
    ]);

    const pids: Record<string, number> = {
      "gateway A": a.process.pid ?? 0,
      "gateway B": b.process.pid ?? 0,
      "nats-server": nats.pid ?? 0,
      projector: projector.process.pid ?? 0,
      "load A (charge points)": onA.pid,
      "load B (charge points)": onB.pid,
      "API caller (bench)": process.pid,
    };
    const sample = () => {
      const cpu = Object.fromEntries(
        Object.entries(pids).map(([role, pid]) => [role, cpuSeconds(pid)]),
      );
      const ours = Object.values(cpu).reduce((sum, seconds) => sum + seconds, 0);
      cpu[OTHERS] = machineBusySeconds() - ours;
      return { at: performance.now(), cpu };
    };

    // Each paced run keeps its rate for the whole span of fleet-only, warm-up and commands windows.
    const fleetSeconds = options.fleetOnlySeconds + options.warmUpSeconds + options.seconds;
    const fleetRuns = drivers.map((driver) => driver.paced(fleetSeconds, options.fleetPerSecond));
    const fleetStart = sample();
    await sleep(options.fleetOnlySeconds * 1000);
    const fleetEnd = sample();

    const caller = scheduledCaller([a.apiUrl, b.apiUrl], token, half, options);
    const warmUp = await caller.paced(options.warmUpSeconds);
    const windowStart = sample();
    const measured = await caller.paced(options.seconds);
    const windowEnd = sample();
    caller.close();
    const fleet = mergeCalls(await Promise.all(fleetRuns));

    const fleetSpan = (fleetEnd.at - fleetStart.at) / 1000;
    const windowSpan = (windowEnd.at - windowStart.at) / 1000;
    const cpu = [...Object.keys(pids), OTHERS].map((role): ProcessCpu => {
      const fleetCpu = (fleetEnd.cpu[role] ?? 0) - (fleetStart.cpu[role] ?? 0);
      const windowCpu = (windowEnd.cpu[role] ?? 0) - (windowStart.cpu[role] ?? 0);
      const fleetCores = fleetCpu / fleetSpan;
      return {
        role,
        fleetCores: Math.round(fleetCores * 100) / 100,
        windowCores: Math.round((windowCpu / windowSpan) * 100) / 100,
        usPerCommand: round(
          ((windowCpu - fleetCores * windowSpan) * 1e6) / Math.max(1, measured.sent),
        ),
      };
    });
    const connectSeconds = Math.max(...connects.map((c) => c.seconds));
    return {
      chargePoints: options.chargePoints,
      connect: {
        connected: connects.reduce((sum, c) => sum + c.connected, 0),
        failed: connects.reduce((sum, c) => sum + c.failed, 0),
        seconds: Math.round(connectSeconds * 10) / 10,
      },
      fleet: {
        calls: fleet.calls,
        errors: fleet.errors,
        perSecond: round(fleet.calls / fleet.seconds),
        ...percentiles(fleet.latency),
      },
      commands: {
        targetPerSecond: options.commandsPerSecond,
        seconds: options.seconds,
        sent: measured.sent,
        answered: measured.answered,
        sentPerSecond: round(measured.sent / measured.sendSeconds),
        answeredPerSecond: round(measured.answered / measured.seconds),
        errors: measured.errors,
        all: percentiles(measured.latency.all),
        local: percentiles(measured.latency.local),
        crossing: percentiles(measured.latency.crossing),
        warmUpErrors: warmUp.errors,
      },
      cpu,
    };
  } finally {
    for (const driver of drivers) await driver.stop();
    await levity.stop();
  }
}

/** CPU seconds all cores have been busy so far, from /proc/stat. */
function machineBusySeconds(): number {
  const fields = (readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "")
    .trim()
    .split(/\s+/)
    .slice(1, 9)
    .map(Number);
  const total = fields.reduce((sum, ticks) => sum + ticks, 0);
  // user nice system idle iowait irq softirq steal: the guest fields after them are in user already.
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return (total - idle) / 100;
}

function percentiles(encoded: string): Percentiles {
  const { p50, p99, max } = latencyMs(encoded);
  return { p50Ms: p50, p99Ms: p99, maxMs: max };
}

/** Both load processes' calls as one. */
function mergeCalls(results: readonly CallsResult[]) {
  const latency = newLatencyHistogram();
  for (const result of results)
    latency.add(hdr.decodeFromCompressedBase64(result.latency, 32, false));
  return {
    calls: results.reduce((sum, r) => sum + r.calls, 0),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    seconds: Math.max(...results.map((r) => r.seconds)),
    latency: encodeLatency(latency),
  };
}

/**
 * Sends ClearCache commands on a fixed schedule (open loop: a slow answer does not delay the next
 * command), each to a random charge point, alternately through each API, over keep-alive
 * connections; times each round trip from the request to the response with the outcome.
 */
function scheduledCaller(
  apis: readonly [string, string],
  token: string,
  half: number,
  options: Options,
) {
  const target = (api: string) => {
    const url = new URL(api);
    return {
      host: url.hostname,
      port: Number(url.port),
      agent: new Agent({ keepAlive: true, maxSockets: options.socketsPerApi }),
    };
  };
  const [toA, toB] = [target(apis[0]), target(apis[1])];
  const headers = {
    authorization: `Bearer ${token}`,
    "content-type": "application/json",
    "content-length": "2",
  };
  const post = (to: ReturnType<typeof target>, index: number) =>
    new Promise<number>((resolve) => {
      const sent = request(
        {
          host: to.host,
          port: to.port,
          agent: to.agent,
          method: "POST",
          path: `/v1/charge-points/${PREFIX}${index}/commands/ClearCache`,
          headers,
        },
        (response) => {
          response.resume();
          response.once("end", () => resolve(response.statusCode ?? 0));
          response.once("error", () => resolve(0));
        },
      );
      sent.once("error", () => resolve(0));
      sent.end("{}");
    });
  return {
    close() {
      toA.agent.destroy();
      toB.agent.destroy();
    },
    async paced(seconds: number) {
      const latency = {
        all: newLatencyHistogram(),
        local: newLatencyHistogram(),
        crossing: newLatencyHistogram(),
      };
      const errors: Record<string, number> = {};
      let answered = 0;
      const one = async (n: number) => {
        const throughA = n % 2 === 0;
        const index = Math.floor(Math.random() * options.chargePoints);
        // Charge points below `half` are on gateway A, the rest on gateway B.
        const crossing = index < half !== throughA;
        const begin = performance.now();
        const status = await post(throughA ? toA : toB, index);
        const us = Math.max(1, Math.round((performance.now() - begin) * 1000));
        latency.all.recordValue(us);
        (crossing ? latency.crossing : latency.local).recordValue(us);
        if (status === 200) answered += 1;
        else {
          const key = status === 0 ? "network" : String(status);
          errors[key] = (errors[key] ?? 0) + 1;
        }
      };
      const inFlight: Promise<void>[] = [];
      const started = performance.now();
      let elapsed = 0;
      // Every millisecond or so, send all commands due by now: the schedule holds even when a
      // timer fires late.
      while (elapsed < seconds * 1000) {
        const due = Math.min(
          Math.floor((elapsed * options.commandsPerSecond) / 1000) + 1,
          seconds * options.commandsPerSecond,
        );
        while (inFlight.length < due) inFlight.push(one(inFlight.length));
        await sleep(1);
        elapsed = performance.now() - started;
      }
      const sendSeconds = elapsed / 1000;
      await Promise.all(inFlight);
      return {
        sent: inFlight.length,
        answered,
        errors,
        sendSeconds,
        seconds: (performance.now() - started) / 1000,
        latency: {
          all: encodeLatency(latency.all),
          local: encodeLatency(latency.local),
          crossing: encodeLatency(latency.crossing),
        },
      };
    },
  };
}

const count = (n: number) => n.toLocaleString("en-US");
const errorText = (errors: Readonly<Record<string, number>>) =>
  Object.entries(errors)
    .map(([status, n]) => `${count(n)} × ${status}`)
    .join(", ") || "none";
const ms = (n: number) => n.toFixed(1);
const latencyText = (p: Percentiles) => `${ms(p.p50Ms)} / ${ms(p.p99Ms)} ms (max ${ms(p.maxMs)})`;

/** The scenario's report. */
export function renderCommandsAtScale(result: CommandsAtScaleResult): string {
  const { commands, fleet, connect } = result;
  const ours = result.cpu.filter((p) => p.role !== OTHERS);
  const others = result.cpu.filter((p) => p.role === OTHERS);
  return [
    `Commands at scale: ${count(result.chargePoints)} charge points, half on each of two gateways (one load process per half; ${count(connect.connected)} connected, ${connect.failed} failed, in ${connect.seconds} s); the fleet sends its steady mix at ${count(fleet.perSecond)} calls/s (p50 / p99 ${latencyText(fleet)}, ${fleet.errors} errors) while ClearCache goes to random charge points at ${count(commands.targetPerSecond)}/s for ${commands.seconds} s, half through each gateway's API (so half cross NATS to the other gateway).`,
    "",
    "| commands | sent | per second sent / answered | answered (200) | errors | round trip p50 / p99 | charge point on the API's gateway | on the other gateway |",
    "|---|---|---|---|---|---|---|---|",
    `| ${count(commands.targetPerSecond)}/s for ${commands.seconds} s | ${count(commands.sent)} | ${count(commands.sentPerSecond)} / ${count(commands.answeredPerSecond)} | ${count(commands.answered)} | ${errorText(commands.errors)} | ${latencyText(commands.all)} | ${latencyText(commands.local)} | ${latencyText(commands.crossing)} |`,
    "",
    `Warm-up errors (not measured): ${errorText(commands.warmUpErrors)}.`,
    "",
    "| process | cores, fleet alone | cores, fleet and commands | CPU per command above the fleet |",
    "|---|---|---|---|",
    ...ours.map(
      (p) => `| ${p.role} | ${p.fleetCores} | ${p.windowCores} | ${count(p.usPerCommand)} µs |`,
    ),
    `| all of this run | ${sum(ours, (p) => p.fleetCores)} | ${sum(ours, (p) => p.windowCores)} | ${count(round(ours.reduce((s, p) => s + p.usPerCommand, 0)))} µs |`,
    ...others.map((p) => `| ${p.role} | ${p.fleetCores} | ${p.windowCores} | |`),
    "",
  ].join("\n");
}

const sum = (cpu: readonly ProcessCpu[], of: (p: ProcessCpu) => number) =>
  Math.round(cpu.reduce((s, p) => s + of(p), 0) * 100) / 100;
