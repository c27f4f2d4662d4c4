import { LOAD_PROTOCOLS, type LoadProtocol } from "../load/messages.js";
import { rampAndIdle } from "./ramp-and-idle.js";
import { type SteadyResult, steady } from "./steady.js";
import { type Levity, startLevity } from "./systems.js";

/** One protocol's fleet through the same Levity: its ramp, and its steady mix back to back. */
export interface ProtocolRun {
  readonly protocol: LoadProtocol;
  readonly round: number;
  readonly rampCpsPerSecond: number;
  readonly bootP99Ms: number;
  /** Charge points of the ramp the gateway did not admit. */
  readonly rampFailed: number;
  readonly steady: SteadyResult;
}

export interface ProtocolsResult {
  readonly chargePoints: number;
  readonly runs: readonly ProtocolRun[];
  /** The gateway's CPU per call of the 2.0.1 mix over the 1.6 one's (mean over rounds). */
  readonly gatewayCpuRatio: number;
}

/** 1,000 charge points per protocol, in alternating rounds so drift hits both alike. */
export function protocolsOptions(quick: boolean) {
  return {
    ramp: quick ? 500 : 5_000,
    chargePoints: quick ? 200 : 1_000,
    seconds: quick ? 4 : 15,
    rounds: quick ? 1 : 2,
  };
}

/**
 * Levity for this scenario: its fleets are distinct identities, more than --allow-unknown's
 * default bound admits over the rounds.
 */
export function startProtocolsLevity(): Promise<Levity> {
  return startLevity({ gateway: true, gatewayEnv: { MAX_CHARGE_POINTS: "100000" } });
}

const mean = (values: readonly number[]) =>
  values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);

/**
 * The same mix (3 MeterValues with five samples, a Heartbeat, a StatusNotification) from a 1.6
 * fleet and from a 2.0.1 fleet, through one Levity, alternating: what 2.0.1 costs the gateway.
 */
export async function protocols(
  levity: Levity,
  options: ReturnType<typeof protocolsOptions>,
): Promise<ProtocolsResult> {
  const runs: ProtocolRun[] = [];
  for (let round = 0; round < options.rounds; round++) {
    for (const protocol of LOAD_PROTOCOLS) {
      const ramp = await rampAndIdle(
        levity,
        levity.pids.gateway ?? 0,
        options.ramp,
        options.ramp,
        200,
        protocol,
      );
      const result = await steady(levity, {
        chargePoints: options.chargePoints,
        seconds: options.seconds,
        warmupSeconds: 3,
        protocol,
      });
      if (result.callsPerSecond === 0)
        throw new Error(`no ${protocol} call was answered in the steady run`);
      runs.push({
        protocol,
        round,
        rampCpsPerSecond: ramp.cpsPerSecond,
        bootP99Ms: ramp.bootP99Ms,
        rampFailed: ramp.failed,
        steady: result,
      });
    }
  }
  const gatewayCpu = (protocol: LoadProtocol) =>
    mean(
      runs
        .filter((run) => run.protocol === protocol)
        .map((run) => run.steady.cpuUsPerCall.gateway ?? 0),
    );
  return {
    chargePoints: options.chargePoints,
    runs,
    gatewayCpuRatio: Math.round((gatewayCpu("ocpp2.0.1") / gatewayCpu("ocpp1.6")) * 100) / 100,
  };
}

export function renderProtocols(result: ProtocolsResult): string {
  const rows = result.runs.map(
    (run) =>
      `| ${run.protocol} (round ${run.round + 1}) | ${run.rampCpsPerSecond.toLocaleString("en-US")} CPs/s, p99 ${run.bootP99Ms} ms, ${run.rampFailed} failed | ${run.steady.callsPerSecond.toLocaleString("en-US")} | ${run.steady.p50Ms} / ${run.steady.p99Ms} ms | ${run.steady.errors} | ${run.steady.cpuUsPerCall.gateway ?? 0} µs | ${run.steady.cpuUsPerCall.system ?? 0} µs |`,
  );
  const ratio = result.gatewayCpuRatio;
  return [
    `OCPP 2.0.1 beside 1.6: the same mix from ${result.chargePoints} charge points of each version back to back, through one Levity (alternating rounds). Gateway CPU per call, 2.0.1 ÷ 1.6: ${ratio} (target ≤ 1.10: ${ratio <= 1.1 ? "met" : "**missed**"}).`,
    "",
    "| fleet | ramp (connect + boot) | calls/s | p50 / p99 | errors | gateway CPU per call | system CPU per call |",
    "|---|---|---|---|---|---|---|",
    ...rows,
    "",
  ].join("\n");
}
