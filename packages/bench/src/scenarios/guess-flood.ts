import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { hashPassword, SCRYPT_COST } from "@levity/ocpp-gateway";
import { ChildChannel } from "../load/child-channel.js";
import type { GuessCommand, GuessStats } from "../load/guess-client.js";
import { LoadDriver } from "../load/load-driver.js";
import { latencyMs } from "../measure/latency.js";
import { cpuSeconds, rssBytes } from "../measure/proc-stats.js";
import { startLevity } from "./systems.js";

const GUESS_CLIENT = fileURLToPath(new URL("../load/guess-client.ts", import.meta.url));
const NEIGHBOUR_KEY = "0123456789abcdef0123456789abcdef01234567";

/** Heartbeat latency of admitted charge points beside a flood of password guesses. */
export interface GuessFloodResult {
  readonly neighbours: number;
  readonly heartbeatsPerSecond: number;
  readonly inFlight: number;
  readonly floodSeconds: number;
  readonly alone: { readonly p50Ms: number; readonly p99Ms: number; readonly maxMs: number };
  readonly underFlood: {
    readonly p50Ms: number;
    readonly p99Ms: number;
    readonly maxMs: number;
    readonly errors: number;
  };
  /** What the guesses got back, by HTTP status. */
  readonly guesses: GuessStats;
  readonly gatewayCores: number;
  readonly rssBeforeBytes: number;
  readonly rssPeakBytes: number;
}

/** 50 registered neighbours at 500 Heartbeats/s beside 500 guesses in flight, for 30 s (10 when quick). */
export function guessFloodOptions(quick: boolean) {
  return {
    neighbours: 50,
    heartbeatsPerSecond: 500,
    inFlight: 500,
    aloneSeconds: quick ? 5 : 15,
    floodSeconds: quick ? 10 : 30,
  };
}

/**
 * A registry-mode gateway with 50 neighbours (generated keys, already admitted) and one victim
 * registered with a chosen password (scrypt 2^15: 32 MiB and ~90 ms per check); 500 handshakes
 * guessing the victim's password stay in flight, each from a new source address.
 */
export async function guessFlood(
  options: ReturnType<typeof guessFloodOptions>,
): Promise<GuessFloodResult> {
  const dir = await mkdtemp(join(tmpdir(), "levity-bench-guess-"));
  const registry = join(dir, "charge-points.json");
  const neighbourHash = await hashPassword(Buffer.from(NEIGHBOUR_KEY), SCRYPT_COST.generated);
  const victimHash = await hashPassword(Buffer.from("the victim's chosen password"));
  const chargePoints = [
    ...Array.from({ length: options.neighbours }, (_, i) => ({
      identity: `NEIGHBOUR-${i}`,
      securityProfile: 1,
      passwordHash: neighbourHash,
    })),
    { identity: "VICTIM", securityProfile: 1, passwordHash: victimHash },
  ];
  await writeFile(registry, JSON.stringify({ chargePoints }));
  const levity = await startLevity({ gateway: true, gatewayEnv: { CHARGE_POINTS: registry } });
  const driver = await LoadDriver.start();
  const guessers = await ChildChannel.fork<GuessCommand>(GUESS_CLIENT, "guess client");
  const pid = levity.pids.gateway ?? 0;
  const heartbeats = async (seconds: number) => {
    const result = await driver.paced(seconds, options.heartbeatsPerSecond, "heartbeat");
    const latency = latencyMs(result.latency);
    return { p50Ms: latency.p50, p99Ms: latency.p99, maxMs: latency.max, errors: result.errors };
  };
  try {
    await driver.connect(levity.url, "NEIGHBOUR-", 0, options.neighbours, 10, {
      password: NEIGHBOUR_KEY,
    });
    await heartbeats(2);
    const alone = await heartbeats(options.aloneSeconds);
    const rssBeforeBytes = rssBytes(pid);
    let rssPeakBytes = rssBeforeBytes;
    const sampler = setInterval(() => {
      rssPeakBytes = Math.max(rssPeakBytes, rssBytes(pid));
    }, 250);
    const cpuBefore = cpuSeconds(pid);
    await guessers.send({
      cmd: "start",
      url: levity.url,
      identity: "VICTIM",
      inFlight: options.inFlight,
    });
    const underFlood = await heartbeats(options.floodSeconds);
    const gatewayCores =
      Math.round(((cpuSeconds(pid) - cpuBefore) / options.floodSeconds) * 100) / 100;
    const guesses = await guessers.send<GuessStats>({ cmd: "stop" });
    clearInterval(sampler);
    await driver.close();
    return {
      neighbours: options.neighbours,
      heartbeatsPerSecond: options.heartbeatsPerSecond,
      inFlight: options.inFlight,
      floodSeconds: options.floodSeconds,
      alone: { p50Ms: alone.p50Ms, p99Ms: alone.p99Ms, maxMs: alone.maxMs },
      underFlood,
      guesses,
      gatewayCores,
      rssBeforeBytes,
      rssPeakBytes,
    };
  } finally {
    await guessers.stop();
    await driver.stop();
    await levity.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The scenario's figures as a Markdown section of the report. */
export function renderGuessFlood(result: GuessFloodResult): string {
  const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
  const total = Object.values(result.guesses).reduce((sum, n) => sum + n, 0);
  return [
    `Password guess flood: ${result.inFlight} handshakes in flight for ${result.floodSeconds} s, each guessing a chosen password (scrypt 2^15) from a new source address, beside ${result.neighbours} admitted charge points sending ${result.heartbeatsPerSecond} Heartbeats/s.`,
    "",
    "| figure | value |",
    "|---|---|",
    `| Heartbeat p50 / p99 (max), neighbours alone | ${result.alone.p50Ms} / ${result.alone.p99Ms} ms (${result.alone.maxMs}) |`,
    `| Heartbeat p50 / p99 (max), during the flood | ${result.underFlood.p50Ms} / ${result.underFlood.p99Ms} ms (${result.underFlood.maxMs}), ${result.underFlood.errors} errors |`,
    `| guesses answered, by status | ${JSON.stringify(result.guesses)} (${Math.round(total / result.floodSeconds)}/s) |`,
    `| gateway cores used during the flood | ${result.gatewayCores} |`,
    `| gateway RSS before / peak | ${mib(result.rssBeforeBytes)} / ${mib(result.rssPeakBytes)} MiB |`,
    "",
  ].join("\n");
}
