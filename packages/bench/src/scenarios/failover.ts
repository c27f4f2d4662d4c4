import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { ApiTokens, newApiToken, serializeApiTokens } from "@levity/api-kit";
import {
  freePort,
  type GatewayProcess,
  launchGateway,
  launchProjector,
  NatsServerProcess,
  type ServiceProcess,
  type SpawnedProcess,
  spawnProcess,
  untilHttpOk,
} from "@levity/testkit";
// The rewrite `pnpm stack` makes of the compose HAProxy configuration for local processes, so the
// storm goes through the proxy as deployed (the bench does not depend on the stack package).
import { localHaproxyConfig } from "../../../../deploy/stack/src/local-configs.js";
import { cpuSeconds } from "../measure/proc-stats.js";
import {
  ChargePointApi,
  type Counts,
  countsSince,
  openFiles,
  type ProxyReading,
  readGateway,
  readProjector,
  readProxy,
  simCounters,
  startSimulator,
} from "./failover-probes.js";

// pnpm --filter @levity/bench scenario failover: two gateways, the simulators given both URLs (a
// failover list, as firmware with several addresses has), one gateway SIGKILLed; how long until
// its charge points are on the survivor and projected so, what they were refused on the way, and
// whether each lost session is counted once. Then the same storm behind HAProxy.

const COMPOSE_HAPROXY = fileURLToPath(
  new URL("../../../../deploy/haproxy/haproxy.cfg", import.meta.url),
);

/** Sizes and settings of the scenario. */
export interface FailoverOptions {
  /** Charge points per gateway, connected straight to the gateways. */
  readonly perGateway: number;
  /** Charge points per gateway behind HAProxy, and in the direct run it is compared with. */
  readonly proxiedPerGateway: number;
  readonly connectors: number;
  /** Seconds over which a fleet first connects. */
  readonly rampSeconds: number;
  /** Gateways' --alive-interval, and the projector's --gateway-timeout, seconds. */
  readonly aliveInterval: number;
  readonly gatewayTimeout: number;
  /** What the issue asks: every charge point back and projected within this many seconds. */
  readonly targetSeconds: number;
  /** How long a storm may take before it is reported unfinished. */
  readonly giveUpSeconds: number;
}

/** 9,000 charge points per gateway, 4,500 behind HAProxy; a tenth when quick. */
export function failoverOptions(quick: boolean): FailoverOptions {
  return {
    perGateway: quick ? 900 : 9_000,
    proxiedPerGateway: quick ? 450 : 4_500,
    connectors: 2,
    rampSeconds: quick ? 6 : 40,
    // A gateway dead for 6 s with alive events every second is lost inside the 10 s window; 3
    // intervals let a survivor busy with a 9,000-charge-point storm be declared lost too.
    aliveInterval: 1,
    gatewayTimeout: 6,
    targetSeconds: 10,
    giveUpSeconds: 90,
  };
}

/** Seconds from the SIGKILL until each thing held; null when it did not within the give-up time. */
export interface StormTimes {
  /** Half of the killed gateway's charge points have a session on the survivor. */
  readonly halfOnSurvivorS: number | null;
  /** All of them have. */
  readonly onSurvivorS: number | null;
  /** The simulators have every charge point connected again. */
  readonly simulatorsConnectedS: number | null;
  /** The survivor answered the StatusNotifications they send on reconnecting (they do not reboot). */
  readonly statusesS: number | null;
  /** The projector stored its gateway.lost decision. */
  readonly lostS: number | null;
  /** The projection has every charge point's session on the survivor, and the decision is made. */
  readonly projectedS: number | null;
  /** All of the above. */
  readonly allBackS: number | null;
}

/** One storm: a fleet over two gateways, one of them SIGKILLed. */
export interface StormRun {
  readonly label: string;
  readonly proxied: boolean;
  readonly chargePoints: number;
  /** Charge points on the killed gateway at the kill. */
  readonly killed: number;
  readonly times: StormTimes;
  /** Failed connection attempts the simulators saw during the storm, by cause. */
  readonly connectFailures: Counts;
  /** CALLERRORs the simulators received during the storm, by code. */
  readonly callErrors: Counts;
  /** Connections the simulators opened again without rebooting. */
  readonly reconnects: number;
  /** BootNotifications the survivor received during the storm. */
  readonly bootsOnSurvivor: number;
  readonly survivorHandshakesRejected: Counts;
  /** ocpp_cp_disconnects_total over the storm: in all; killed charge points at exactly 1; others moved. */
  readonly disconnects: {
    readonly total: number;
    readonly killedOnce: number;
    readonly others: number;
  };
  readonly lostDecisions: number;
  /** ocpp_gateway_up of the killed gateway and of the survivor afterwards. */
  readonly killedUp: number;
  readonly survivorUp: number;
  /** CPU seconds each role spent from the kill until all was back. */
  readonly cpuSeconds: Counts;
  /** The projector's /metrics over the whole fleet, before the kill and after the storm, ms. */
  readonly scrapeMs: { readonly before: number; readonly after: number };
  /** The slowest count from the charge-point API while polling, ms. */
  readonly slowestPollMs: number;
  readonly proxy?: ProxyFigures;
}

/** What HAProxy did during the storm, and what it held before it. */
export interface ProxyFigures extends ProxyReading {
  /** HAProxy's open file descriptors with the whole fleet connected through it. */
  readonly openFilesAtRest: number;
  /** Seconds from the SIGKILL until HAProxy's health checks marked the gateway DOWN. */
  readonly downS: number | null;
}

export interface FailoverResult {
  readonly options: FailoverOptions;
  readonly runs: readonly StormRun[];
}

/** The full storm straight to the gateways, then the smaller one straight and behind HAProxy. */
export async function failover(options: FailoverOptions): Promise<FailoverResult> {
  const runs: StormRun[] = [];
  runs.push(await storm(options, options.perGateway, false));
  runs.push(await storm(options, options.proxiedPerGateway, false));
  runs.push(await storm(options, options.proxiedPerGateway, true));
  return { options, runs };
}

const KILLED = "failover-a";
const SURVIVOR = "failover-b";
// Each simulator process keeps its charge points' sockets within the 20,000 open files allowed.
const SIMULATORS = 2;
// HAProxy holds two descriptors per connection within the same 20,000, with a few to spare.
const PROXY_MAX_CONNECTIONS = 9_900;

/** Something started for a storm, stopped at its end whatever happens. */
type Stop = () => Promise<unknown>;

/** The processes of one storm. */
interface Topology {
  readonly nats: NatsServerProcess;
  readonly projector: ServiceProcess;
  readonly api: ChargePointApi;
  readonly killed: GatewayProcess;
  readonly survivor: GatewayProcess;
  readonly haproxy: Awaited<ReturnType<typeof startHaproxy>> | undefined;
  readonly sims: readonly SpawnedProcess[];
}

/**
 * nats-server, the projector, gateways A and B, HAProxy in front of them if `proxied`, and the
 * simulators connecting `2 * perGateway` charge points; each is pushed on `stops` once started.
 */
async function startTopology(
  options: FailoverOptions,
  perGateway: number,
  proxied: boolean,
  dir: string,
  stops: Stop[],
): Promise<Topology> {
  const total = 2 * perGateway;
  const nats = await NatsServerProcess.start();
  stops.push(() => nats.dispose());
  const tokens = join(dir, "api-tokens.yaml");
  const { token, record } = newApiToken("bench", new Date());
  await writeFile(tokens, serializeApiTokens(new ApiTokens([record])));
  const apiPort = await freePort();
  const projector = await launchProjector({
    NATS_URL: nats.url,
    LOG_LEVEL: "warn",
    GATEWAY_TIMEOUT: String(options.gatewayTimeout),
    API_TOKENS: tokens,
    API_PORT: String(apiPort),
  });
  stops.push(() => projector.process.stop());
  await untilHttpOk(`${projector.opsUrl}/readyz`, projector.process);

  const gateways: GatewayProcess[] = [];
  for (const id of [KILLED, SURVIVOR]) {
    const gateway = await launchGateway(
      {
        NATS_URL: nats.url,
        GATEWAY_ID: id,
        ALLOW_UNKNOWN: "true",
        // The survivor admits the whole fleet.
        MAX_CHARGE_POINTS: String(total),
        ALIVE_INTERVAL: String(options.aliveInterval),
        LOG_LEVEL: "warn",
        ...(proxied ? { TRUSTED_PROXIES: "127.0.0.1" } : {}),
      },
      { ocppPort: await freePort(), opsPort: await freePort(), apiPort: await freePort() },
    );
    stops.push(() => gateway.process.stop());
    gateways.push(gateway);
  }
  const [killed, survivor] = gateways as [GatewayProcess, GatewayProcess];

  const haproxy = proxied ? await startHaproxy(dir, gateways) : undefined;
  if (haproxy) stops.push(() => haproxy.process.stop());
  const url = haproxy?.url ?? `${killed.url},${survivor.url}`;
  const share = total / SIMULATORS;
  const sims = Array.from({ length: SIMULATORS }, (_, index) =>
    startSimulator([
      ...["--url", url, "--prefix", "FAILOVER-"],
      ...["--first", String(1 + index * share), "--count", String(share)],
      ...["--connectors", String(options.connectors), "--ramp", String(options.rampSeconds)],
      // Nothing happens to a charge point but the storm: no sessions, faults, reboots or drops.
      ...["--idle-mean", "1000000000", "--fault-rate", "0", "--reboot-rate", "0"],
      ...["--drop-rate", "0"],
    ]),
  );
  for (const sim of sims) stops.push(() => sim.stop());
  return {
    nats,
    projector,
    api: new ChargePointApi(`http://127.0.0.1:${apiPort}`, token),
    killed,
    survivor,
    haproxy,
    sims,
  };
}

async function storm(
  options: FailoverOptions,
  perGateway: number,
  proxied: boolean,
): Promise<StormRun> {
  const total = 2 * perGateway;
  const label = `${proxied ? "HAProxy" : "direct"}, ${perGateway.toLocaleString("en-US")} per gateway`;
  process.stderr.write(`failover: ${label}\n`);
  const stops: Stop[] = [];
  const dir = await mkdtemp(join(tmpdir(), "levity-bench-failover-"));
  try {
    const { nats, projector, api, killed, survivor, haproxy, sims } = await startTopology(
      options,
      perGateway,
      proxied,
      dir,
      stops,
    );
    // At rest: every charge point connected, booted, its connectors reported, and projected.
    const statusesEach = options.connectors + 1;
    await until(
      async () => {
        if (simCounters(sims).connected !== total) return false;
        const [a, b] = await Promise.all([
          readGateway(killed.opsUrl),
          readGateway(survivor.opsUrl),
        ]);
        const statuses = (a.calls.StatusNotification ?? 0) + (b.calls.StatusNotification ?? 0);
        return (
          a.connections + b.connections === total &&
          statuses >= total * statusesEach &&
          (await api.count("connected=true")) === total
        );
      },
      options.rampSeconds + 120,
      "the fleet at rest",
      sims,
    );
    const killedIds = new Set(await api.ids(`gateway=${KILLED}`));
    const simsBefore = simCounters(sims);
    const survivorBefore = await readGateway(survivor.opsUrl);
    const projectorBefore = await readProjector(projector.opsUrl);
    const proxyBefore = haproxy ? await readProxy(haproxy.statsUrl) : undefined;
    const openFilesAtRest = haproxy ? await openFiles(haproxy.process.pid ?? 0) : 0;
    // The scrape keeps the projector busy a while: let it catch up before the kill starts the clock.
    await sleep(2_000);
    const pids: Record<string, readonly number[]> = {
      "gateway B": [survivor.process.pid ?? 0],
      projector: [projector.process.pid ?? 0],
      "nats-server": [nats.pid ?? 0],
      simulators: sims.map((sim) => sim.pid ?? 0),
      ...(haproxy ? { haproxy: [haproxy.process.pid ?? 0] } : {}),
    };
    const cpu = () =>
      Object.fromEntries(
        Object.entries(pids).map(([role, ids]) => [
          role,
          ids.reduce((sum, pid) => sum + cpuSeconds(pid), 0),
        ]),
      );
    const cpuBefore = cpu();

    const killedAt = performance.now();
    const since = () => Math.round(performance.now() - killedAt) / 1000;
    await killed.process.stop("SIGKILL");
    const moved = killedIds.size;
    const times: { -readonly [K in keyof Omit<StormTimes, "allBackS">]: number | null } = {
      halfOnSurvivorS: null,
      onSurvivorS: null,
      simulatorsConnectedS: null,
      statusesS: null,
      lostS: null,
      projectedS: null,
    };
    const mark = (key: keyof typeof times, holds: boolean) => {
      if (holds && times[key] === null) times[key] = since();
    };
    const settled = () =>
      Object.values(times).every((time) => time !== null) || since() >= options.giveUpSeconds;
    const watch = (child: SpawnedProcess, pattern: RegExp, seen: () => void) =>
      void child.waitForOutput(pattern, options.giveUpSeconds * 1000).then(seen, () => {});
    watch(projector.process, new RegExp(`${KILLED}.*gateway declared lost`), () =>
      mark("lostS", true),
    );
    let proxyDownS: number | null = null;
    if (haproxy)
      watch(haproxy.process, /gateway1 is DOWN/, () => {
        proxyDownS = since();
      });
    // Each source at its own pace, so that a slow answer from one does not delay the others.
    const poll = async (intervalMs: number, step: () => Promise<void>) => {
      while (!settled()) {
        await step();
        await sleep(intervalMs);
      }
    };
    await Promise.all([
      poll(100, async () => {
        const now = simCounters(sims);
        mark(
          "simulatorsConnectedS",
          now.connected === total && now.reconnects - simsBefore.reconnects >= moved,
        );
      }),
      poll(200, async () => {
        const b = await readGateway(survivor.opsUrl);
        const arrived = b.connections - survivorBefore.connections;
        const statuses =
          (b.calls.StatusNotification ?? 0) - (survivorBefore.calls.StatusNotification ?? 0);
        mark("halfOnSurvivorS", arrived >= moved / 2);
        mark("onSurvivorS", arrived >= moved);
        mark("statusesS", statuses >= moved * statusesEach);
      }),
      // A count walks every charge point of the projection: four a second at most.
      poll(250, async () => {
        const onSurvivor = await api.count(`gateway=${SURVIVOR}`);
        mark("projectedS", onSurvivor === total && times.lostS !== null);
      }),
    ]);
    const cpuAfter = cpu();
    // A second count of a lost session, or a survivor declared lost, would come within this.
    await sleep(options.gatewayTimeout * 1000);
    const simsAfter = simCounters(sims);
    const survivorAfter = await readGateway(survivor.opsUrl);
    const projectorAfter = await readProjector(projector.opsUrl);
    const proxyAfter = haproxy ? await readProxy(haproxy.statsUrl) : undefined;

    let killedOnce = 0;
    let others = 0;
    let disconnects = 0;
    for (const [cpId, after] of projectorAfter.disconnects) {
      const added = after - (projectorBefore.disconnects.get(cpId) ?? 0);
      disconnects += added;
      if (killedIds.has(cpId) && added === 1) killedOnce += 1;
      if (!killedIds.has(cpId) && added !== 0) others += 1;
    }
    const all = Object.values(times);
    return {
      label,
      proxied,
      chargePoints: total,
      killed: moved,
      times: {
        ...times,
        allBackS: all.every((time) => time !== null) ? Math.max(...(all as number[])) : null,
      },
      connectFailures: countsSince(
        simsBefore.connectFailuresByReason,
        simsAfter.connectFailuresByReason,
      ),
      callErrors: countsSince(simsBefore.callErrors, simsAfter.callErrors),
      reconnects: simsAfter.reconnects - simsBefore.reconnects,
      bootsOnSurvivor:
        (survivorAfter.calls.BootNotification ?? 0) - (survivorBefore.calls.BootNotification ?? 0),
      survivorHandshakesRejected: countsSince(
        survivorBefore.handshakesRejected,
        survivorAfter.handshakesRejected,
      ),
      disconnects: { total: disconnects, killedOnce, others },
      lostDecisions: projectorAfter.lostDecisions - projectorBefore.lostDecisions,
      killedUp: projectorAfter.gatewayUp[KILLED] ?? 0,
      survivorUp: projectorAfter.gatewayUp[SURVIVOR] ?? 0,
      cpuSeconds: Object.fromEntries(
        Object.entries(cpuAfter).map(([role, seconds]) => [
          role,
          Math.round((seconds - (cpuBefore[role] ?? 0)) * 100) / 100,
        ]),
      ),
      scrapeMs: { before: projectorBefore.scrapeMs, after: projectorAfter.scrapeMs },
      slowestPollMs: Math.round(api.slowestMs),
      ...(proxyBefore && proxyAfter
        ? {
            proxy: {
              openFilesAtRest,
              downS: proxyDownS,
              connectionErrors: proxyAfter.connectionErrors - proxyBefore.connectionErrors,
              retries: proxyAfter.retries - proxyBefore.retries,
              redispatches: proxyAfter.redispatches - proxyBefore.redispatches,
              responses5xx: proxyAfter.responses5xx - proxyBefore.responses5xx,
            },
          }
        : {}),
    };
  } finally {
    for (const stop of stops.reverse()) await stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Polls `check` every half second until it holds; fails after `seconds` or if a simulator exits. */
async function until(
  check: () => Promise<boolean>,
  seconds: number,
  what: string,
  sims: readonly SpawnedProcess[],
): Promise<void> {
  const deadline = performance.now() + seconds * 1000;
  while (!(await check())) {
    const exited = sims.find((sim) => !sim.running);
    if (exited) throw new Error(`a simulator exited before ${what}:\n${exited.tail()}`);
    if (performance.now() > deadline) throw new Error(`no ${what} within ${seconds} s`);
    await sleep(500);
  }
}

/** HAProxy with the compose configuration in front of the two gateways; resolves once it serves. */
async function startHaproxy(
  dir: string,
  gateways: readonly GatewayProcess[],
): Promise<{ process: SpawnedProcess; url: string; statsUrl: string }> {
  const ports = { ocpp: await freePort(), api: await freePort(), stats: await freePort() };
  const config = join(dir, "haproxy.cfg");
  await writeFile(
    config,
    localHaproxyConfig(
      await readFile(COMPOSE_HAPROXY, "utf8"),
      gateways.map((gateway) => ({
        ocppPort: gateway.ocppPort,
        opsPort: gateway.opsPort,
        apiPort: Number(new URL(gateway.apiUrl).port),
      })),
      ports,
      PROXY_MAX_CONNECTIONS,
    ),
  );
  const haproxy = spawnProcess("haproxy", ["-db", "-f", config]);
  const statsUrl = `http://127.0.0.1:${ports.stats}`;
  await untilHttpOk(`${statsUrl}/stats`, haproxy, 15_000);
  return { process: haproxy, url: `ws://127.0.0.1:${ports.ocpp}/ocpp`, statsUrl };
}

const seconds = (value: number | null) =>
  value === null ? "not within the give-up time" : `${value.toFixed(1)} s`;
const counts = (value: Counts) =>
  Object.keys(value).length === 0
    ? "none"
    : Object.entries(value)
        .map(([key, count]) => `${key} ${count.toLocaleString("en-US")}`)
        .join(", ");

/** The scenario's report. */
export function renderFailover(result: FailoverResult): string {
  const { options, runs } = result;
  const timeRows = runs.map(
    (run) =>
      `| ${run.label} | ${run.chargePoints.toLocaleString("en-US")} (${run.killed.toLocaleString("en-US")}) | ${seconds(run.times.halfOnSurvivorS)} | ${seconds(run.times.onSurvivorS)} | ${seconds(run.times.simulatorsConnectedS)} | ${seconds(run.times.statusesS)} | ${seconds(run.times.lostS)} | ${seconds(run.times.projectedS)} | **${seconds(run.times.allBackS)}** ${run.times.allBackS !== null && run.times.allBackS <= options.targetSeconds ? "✓" : "✗"} |`,
  );
  const countRows = runs.map(
    (run) =>
      `| ${run.label} | ${counts(run.connectFailures)} | ${counts(run.callErrors)} | ${run.reconnects.toLocaleString("en-US")} | ${run.bootsOnSurvivor} | ${run.disconnects.total.toLocaleString("en-US")}: ${run.disconnects.killedOnce.toLocaleString("en-US")} of ${run.killed.toLocaleString("en-US")} once, ${run.disconnects.others} others | ${run.lostDecisions} (up: killed ${run.killedUp}, survivor ${run.survivorUp}) | ${counts(run.cpuSeconds)} |`,
  );
  const proxied = runs.filter((run) => run.proxy);
  const proxyLines = proxied.map((run) => {
    const proxy = run.proxy as ProxyFigures;
    const direct = runs.find((other) => !other.proxied && other.chargePoints === run.chargePoints);
    return `- ${run.label}: HAProxy held ${proxy.openFilesAtRest.toLocaleString("en-US")} open files for ${run.chargePoints.toLocaleString("en-US")} connections at rest; its health checks marked the dead gateway DOWN after ${seconds(proxy.downS)}; during the storm ${proxy.connectionErrors} connection errors to it, ${proxy.retries} retries, ${proxy.redispatches} redispatches, ${proxy.responses5xx} 5xx answers to charge points. All back ${seconds(run.times.allBackS)}, against ${seconds(direct?.times.allBackS ?? null)} straight to the gateways.`;
  });
  return [
    `Failover storm: two gateways, gateway A SIGKILLed with the fleet connected and at rest. Straight to the gateways, each simulated charge point has both URLs (charge point n starts at URL n mod 2 and moves on to the next when a connection fails); behind HAProxy (the compose configuration, as \`pnpm stack\` runs it) it has the proxy's URL alone. A charge point that loses its connection waits a uniform 1-5 s, then tries its URLs in turn; after a round where all failed, 1 s doubled per failure up to 60 s, ±30 %. It does not reboot: it reports its ${options.connectors} connectors and connector 0 again. Gateways send gateway.alive every ${options.aliveInterval} s; the projector declares one lost after ${options.gatewayTimeout} s without. Seconds from the SIGKILL (the simulators' counters read every 100 ms, gateway B's /metrics every 200 ms, the projector's charge-point API every 250 ms); target: all back and projected within ${options.targetSeconds} s.`,
    "",
    "| run | charge points (on A) | half on B | all on B | simulators all connected | statuses answered by B | gateway.lost stored | projected on B | all back |",
    "|---|---|---|---|---|---|---|---|---|",
    ...timeRows,
    "",
    "| run | failed connection attempts | CALLERRORs | reconnects | boots on B | disconnects counted | gateway.lost decisions | CPU seconds during the storm |",
    "|---|---|---|---|---|---|---|---|",
    ...countRows,
    "",
    ...proxyLines,
    `- The projector's /metrics over the whole fleet took ${runs.map((run) => `${run.scrapeMs.before} / ${run.scrapeMs.after} ms`).join(", ")} (before the kill / after the storm); it is read only then. The storm is followed through the charge-point API's counts, the slowest of which took ${runs.map((run) => `${run.slowestPollMs} ms`).join(", ")}.`,
    "",
  ].join("\n");
}
