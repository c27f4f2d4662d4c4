import { setTimeout as sleep } from "node:timers/promises";
import { JetStreamEventLog } from "@levity/nats";
import { connect } from "@nats-io/transport-node";
import { LoadDriver } from "../load/load-driver.js";
import { scrapeMetrics, value } from "../measure/scrape.js";
import type { Levity } from "./systems.js";

/** One SIGKILL and restart of nats-server under load, as the projector lived through it. */
export interface NatsRestartRound {
  /** From nats-server ready again to the first message stored after the restart (gateways back). */
  readonly storedAgainS: number;
  /** From nats-server ready again to the projector applying a message stored after the restart. */
  readonly resumeS: number;
  /** From nats-server ready again to the projector's /readyz answering 200. */
  readonly readyAgainS: number;
}

export interface NatsRestartResult {
  readonly chargePoints: number;
  readonly callsPerSecond: number;
  readonly downSeconds: number;
  readonly rounds: readonly NatsRestartRound[];
}

/** The scenario's size: 500 charge points at 2,000 calls/s, three restarts (one when quick). */
export function natsRestartOptions(quick: boolean) {
  return { chargePoints: quick ? 100 : 500, perSecond: quick ? 500 : 2_000, rounds: quick ? 1 : 3 };
}

async function streamEnd(url: string): Promise<number> {
  const connection = await connect({ servers: url });
  try {
    return await (await JetStreamEventLog.open(connection, {})).lastSequence();
  } finally {
    await connection.close();
  }
}

/**
 * Kills nats-server (SIGKILL) under a paced load, `rounds` times, and restarts it on its store a
 * second later; measures how long the projector takes to be back at the stream's end.
 */
export async function natsRestart(
  levity: Levity,
  options: { chargePoints: number; perSecond: number; rounds: number },
): Promise<NatsRestartResult> {
  const driver = await LoadDriver.start();
  const downSeconds = 1;
  try {
    await driver.connect(levity.url, "RESTART-", 0, options.chargePoints, 100);
    const rounds: NatsRestartRound[] = [];
    const load = driver.paced(options.rounds * 25, options.perSecond);
    for (let round = 0; round < options.rounds; round++) {
      await sleep(5_000);
      await levity.nats.kill();
      await sleep(downSeconds * 1_000);
      await levity.nats.restart();
      const back = performance.now();
      const restartedAt = await streamEnd(levity.nats.url);
      const since = () => Math.round(performance.now() - back) / 1000;
      let storedAgainS = Number.NaN;
      let resumeS = Number.NaN;
      let readyAgainS = Number.NaN;
      while (since() < 120 && [storedAgainS, resumeS, readyAgainS].some(Number.isNaN)) {
        const [end, metrics, ready] = await Promise.all([
          streamEnd(levity.nats.url),
          scrapeMetrics(`${levity.projectorOps}/metrics`),
          fetch(`${levity.projectorOps}/readyz`).then((response) => response.ok),
        ]);
        const applied = value(metrics, "levity_projector_last_applied_sequence");
        if (Number.isNaN(storedAgainS) && end > restartedAt) storedAgainS = since();
        if (Number.isNaN(resumeS) && applied > restartedAt) resumeS = since();
        if (Number.isNaN(readyAgainS) && ready && applied > restartedAt) readyAgainS = since();
        await sleep(10);
      }
      rounds.push({ storedAgainS, resumeS, readyAgainS });
      await sleep(10_000);
    }
    const calls = await load;
    return {
      chargePoints: options.chargePoints,
      callsPerSecond: Math.round(calls.calls / calls.seconds),
      downSeconds,
      rounds,
    };
  } finally {
    await driver.stop();
  }
}

/** The scenario's report. */
export function renderNatsRestart(result: NatsRestartResult): string {
  const rows = result.rounds.map(
    (round, index) =>
      `| ${index + 1} | ${round.storedAgainS} s | ${round.resumeS} s | ${round.readyAgainS} s |`,
  );
  return [
    `nats-server SIGKILLed under ${result.callsPerSecond.toLocaleString("en-US")} calls/s from ${result.chargePoints} charge points, restarted ${result.downSeconds} s later on its store; times from the restarted server's "ready":`,
    "",
    "| round | gateways store again | projector applies what they store | projector /readyz 200 |",
    "|---|---|---|---|",
    ...rows,
  ].join("\n");
}
