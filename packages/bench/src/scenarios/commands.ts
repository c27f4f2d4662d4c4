import type { GatewayProcess } from "@levity/testkit";
import { LoadDriver } from "../load/load-driver.js";
import { encodeLatency, latencyMs, newLatencyHistogram } from "../measure/latency.js";
import { cpuSeconds } from "../measure/proc-stats.js";
import { startCommandsLevity } from "./systems.js";

/** One load of commands: how many were answered, how fast, at what cost. */
export interface CommandLoad {
  readonly label: string;
  readonly commands: number;
  readonly errors: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** CPU microseconds per command, by process. */
  readonly cpuUs: Readonly<Record<string, number>>;
}

/** Commands across gateways, beside inbound calls of the same fleet for comparison. */
export interface CommandsResult {
  readonly chargePoints: number;
  readonly paced: CommandLoad;
  readonly saturated: CommandLoad;
  /** Heartbeats the same charge points send at the paced rate: what an inbound call costs. */
  readonly inbound: CommandLoad;
}

/** 500 charge points; 500 commands/s for 15 s, then as many as 64 callers get through in 10 s. */
export function commandsOptions(quick: boolean) {
  return {
    chargePoints: quick ? 100 : 500,
    perSecond: quick ? 200 : 500,
    pacedSeconds: quick ? 4 : 15,
    saturatedSeconds: quick ? 4 : 10,
    callers: 64,
  };
}

const round = (n: number) => Math.round(n);

/**
 * Levity split over two gateways and a projector on one nats-server: charge points connect to
 * gateway B; commands are sent to gateway A's API, so each crosses NATS to B, goes to the charge
 * point as a CALL, and comes back, with its request and outcome stored as events.
 */
export async function commandsAcrossGateways(
  options: ReturnType<typeof commandsOptions>,
): Promise<CommandsResult> {
  const levity = await startCommandsLevity(["bench-api", "bench-cps"]);
  const { token, nats, projector } = levity;
  const [asker, holder] = levity.gateways as [GatewayProcess, GatewayProcess];
  const driver = await LoadDriver.start();
  try {
    await driver.connect(holder.url, "CMD-", 0, options.chargePoints, 50);
    // Claims settle a moment after the sessions open.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const pids: Record<string, number> = {
      "gateway A (API)": asker.process.pid ?? 0,
      "gateway B (charge points)": holder.process.pid ?? 0,
      "nats-server": nats.pid ?? 0,
      projector: projector.process.pid ?? 0,
    };
    const measured = async (
      label: string,
      run: () => Promise<{ count: number; errors: number; latency: string; seconds: number }>,
    ): Promise<CommandLoad> => {
      const before = Object.fromEntries(Object.entries(pids).map(([r, p]) => [r, cpuSeconds(p)]));
      const result = await run();
      const latency = latencyMs(result.latency);
      return {
        label,
        commands: result.count,
        errors: result.errors,
        perSecond: round(result.count / result.seconds),
        p50Ms: latency.p50,
        p99Ms: latency.p99,
        maxMs: latency.max,
        cpuUs: Object.fromEntries(
          Object.entries(pids).map(([role, pid]) => [
            role,
            round(((cpuSeconds(pid) - (before[role] ?? 0)) * 1e6) / Math.max(1, result.count)),
          ]),
        ),
      };
    };
    const send = commandSender(asker.apiUrl, token, options.chargePoints);
    await send.paced(2, options.perSecond);
    const paced = await measured(`paced ${options.perSecond}/s`, () =>
      send.paced(options.pacedSeconds, options.perSecond),
    );
    const saturated = await measured(`${options.callers} callers back to back`, () =>
      send.saturated(options.saturatedSeconds, options.callers),
    );
    const inbound = await measured(`inbound Heartbeats at ${options.perSecond}/s`, async () => {
      const result = await driver.paced(options.pacedSeconds, options.perSecond, "heartbeat");
      return {
        count: result.calls,
        errors: result.errors,
        latency: result.latency,
        seconds: result.seconds,
      };
    });
    return { chargePoints: options.chargePoints, paced, saturated, inbound };
  } finally {
    await driver.stop();
    await levity.stop();
  }
}

/** Sends ClearCache commands through an API, paced or back to back, and times each round trip. */
function commandSender(api: string, token: string, chargePoints: number) {
  let next = 0;
  const one = async (latency: ReturnType<typeof newLatencyHistogram>): Promise<boolean> => {
    next += 1;
    const cpId = `CMD-${next % chargePoints}`;
    const begin = performance.now();
    const response = await fetch(`${api}/v1/charge-points/${cpId}/commands/ClearCache`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: "{}",
    });
    await response.arrayBuffer();
    latency.recordValue(Math.max(1, Math.round((performance.now() - begin) * 1000)));
    return response.status === 200;
  };
  return {
    async paced(seconds: number, perSecond: number) {
      const latency = newLatencyHistogram();
      const started = performance.now();
      const inFlight: Promise<boolean>[] = [];
      let count = 0;
      for (let i = 0; performance.now() - started < seconds * 1000; i++) {
        const due = started + (i * 1000) / perSecond;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        inFlight.push(one(latency));
        count += 1;
      }
      const ok = (await Promise.all(inFlight)).filter(Boolean).length;
      return {
        count,
        errors: count - ok,
        latency: encodeLatency(latency),
        seconds: (performance.now() - started) / 1000,
      };
    },
    async saturated(seconds: number, callers: number) {
      const latency = newLatencyHistogram();
      const started = performance.now();
      let count = 0;
      let errors = 0;
      await Promise.all(
        Array.from({ length: callers }, async () => {
          while (performance.now() - started < seconds * 1000) {
            count += 1;
            if (!(await one(latency))) errors += 1;
          }
        }),
      );
      return {
        count,
        errors,
        latency: encodeLatency(latency),
        seconds: (performance.now() - started) / 1000,
      };
    },
  };
}

/** The scenario's report. */
export function renderCommands(result: CommandsResult): string {
  const roles = Object.keys(result.paced.cpuUs);
  const row = (load: CommandLoad) =>
    `| ${load.label} | ${load.commands.toLocaleString("en-US")} (${load.errors} errors) | ${load.perSecond.toLocaleString("en-US")} | ${load.p50Ms} / ${load.p99Ms} ms (max ${load.maxMs}) | ${roles.map((role) => `${load.cpuUs[role] ?? 0} µs`).join(" | ")} |`;
  return [
    `Commands across gateways: ${result.chargePoints} charge points on gateway B, ClearCache sent to gateway A's API (API → NATS → gateway B → charge point → back, request and outcome stored); the same charge points' Heartbeats for comparison.`,
    "",
    `| load | answered | per second | p50 / p99 | ${roles.map((role) => `CPU per command: ${role}`).join(" | ")} |`,
    `|---|---|---|---|${roles.map(() => "---").join("|")}|`,
    row(result.paced),
    row(result.saturated),
    row(result.inbound),
    "",
  ].join("\n");
}
