import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureOperatorToken } from "@levity/api-kit";
import {
  eventually,
  freePort,
  NatsServerProcess,
  type SpawnedProcess,
  spawnProcess,
  uniqueName,
} from "@levity/testkit";
import {
  composeEnvironment,
  type LocalGateway,
  localHaproxyConfig,
  localPrometheusConfig,
} from "./local-configs.js";

/** A path from the repository root. */
export const repo = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));
const GATEWAY = repo("services/ocpp-gateway/dist/main.js");
const PROJECTOR = repo("services/metrics-projector/dist/main.js");

/** Ports and places of a local stack. */
export interface StackOptions {
  /** The ports of each gateway: one gateway per entry. */
  readonly gateways: readonly LocalGateway[];
  /** Where charge points connect: HAProxy's port. */
  readonly ocppPort: number;
  /** Where operators send commands: HAProxy's API port. */
  readonly apiPort: number;
  readonly statsPort: number;
  readonly natsPort: number;
  readonly projectorPort: number;
  /** The projector's charge-point API. */
  readonly projectorApiPort: number;
  readonly prometheusPort: number;
  /** State of NATS and Prometheus, and the rendered configurations. */
  readonly dataDir: string;
  /** Stream and subject names, so a test can isolate its stack. */
  readonly stream: string;
  readonly subjectPrefix: string;
  /** Seconds without alive events before the projector declares a gateway lost. */
  readonly gatewayTimeout: number;
  /** Extra environment for the gateways (e.g. ALLOW_UNKNOWN for tests with unregistered charge points). */
  readonly gatewayEnv?: Readonly<Record<string, string>>;
}

/**
 * A stack for a test: two gateways, free ports, stream names of its own, a 3 s gateway timeout
 * and open gateways (tests connect unregistered charge points).
 */
export async function testStackOptions(dataDir: string): Promise<StackOptions> {
  const prefix = uniqueName("stack");
  return {
    gateways: [
      { ocppPort: await freePort(), opsPort: await freePort(), apiPort: await freePort() },
      { ocppPort: await freePort(), opsPort: await freePort(), apiPort: await freePort() },
    ],
    ocppPort: await freePort(),
    apiPort: await freePort(),
    statsPort: await freePort(),
    natsPort: await freePort(),
    projectorPort: await freePort(),
    projectorApiPort: await freePort(),
    prometheusPort: await freePort(),
    dataDir,
    stream: prefix.toUpperCase(),
    subjectPrefix: prefix,
    gatewayTimeout: 3,
    gatewayEnv: { ALLOW_UNKNOWN: "true" },
  };
}

/** A running local stack. */
export interface Stack {
  readonly ocppUrl: string;
  /** The command API through HAProxy, and the file holding the operator's token. */
  readonly apiUrl: string;
  readonly tokenFile: string;
  readonly projectorUrl: string;
  readonly projectorApiUrl: string;
  readonly prometheusUrl: string | undefined;
  readonly gateways: readonly {
    readonly id: string;
    readonly process: SpawnedProcess;
    readonly opsUrl: string;
  }[];
  stop(): Promise<void>;
}

function which(binary: string): Promise<boolean> {
  return spawnProcess("sh", ["-c", `command -v ${binary}`]).exited.then(
    (status) => status.code === 0,
  );
}

/**
 * Starts the compose topology as local processes: nats-server, the gateways, HAProxy with the
 * compose file's configuration (addresses substituted), the projector and, when installed,
 * Prometheus with the compose Prometheus configuration. Services get the compose file's
 * environment. Debian's nats-server (2.9) rejects `sync_interval`, so NATS runs with flags.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  await mkdir(options.dataDir, { recursive: true });
  const compose = await readFile(repo("deploy/docker-compose.yml"), "utf8");
  const started: { stop(): Promise<unknown> }[] = [];
  const stop = async () => {
    for (const child of started.reverse()) await child.stop();
  };
  try {
    const nats = await NatsServerProcess.start({
      port: options.natsPort,
      storeDir: join(options.dataDir, "nats"),
    });
    started.push(nats);
    const shared = {
      ...process.env,
      NATS_URL: nats.url,
      EVENT_STREAM: options.stream,
      SUBJECT_PREFIX: options.subjectPrefix,
    };

    // The compose file mounts deploy/registry at /etc/levity, API tokens included; locally the
    // tokens live in the data directory, with an operator token made on the first start.
    const apiTokens = join(options.dataDir, "api-tokens.yaml");
    const tokenFile = join(options.dataDir, "operator-token");
    await ensureOperatorToken(apiTokens, tokenFile, new Date());
    const gateways: Stack["gateways"][number][] = [];
    for (const [position, ports] of options.gateways.entries()) {
      const id = `gateway-${position + 1}`;
      const gateway = spawnProcess(process.execPath, [GATEWAY], {
        env: {
          ...shared,
          ...composeEnvironment(compose, "ocpp-gateway"),
          NATS_URL: nats.url,
          // The compose file mounts deploy/registry at /etc/levity.
          CHARGE_POINTS: repo("deploy/registry/charge-points.yaml"),
          // HAProxy runs on this machine.
          TRUSTED_PROXIES: "127.0.0.1,::1",
          API_TOKENS: apiTokens,
          API_PORT: String(ports.apiPort),
          ...options.gatewayEnv,
          GATEWAY_ID: id,
          OCPP_PORT: String(ports.ocppPort),
          METRICS_PORT: String(ports.opsPort),
          ALIVE_INTERVAL: "1",
        },
      });
      started.push(gateway);
      await gateway.waitForOutput(/gateway ready/);
      gateways.push({ id, process: gateway, opsUrl: `http://127.0.0.1:${ports.opsPort}` });
    }

    const haproxyConfig = join(options.dataDir, "haproxy.cfg");
    const haproxyCompose = await readFile(repo("deploy/haproxy/haproxy.cfg"), "utf8");
    // Within this machine's open-file limit (20,000 here; HAProxy uses two per connection).
    const localConfig = localHaproxyConfig(
      haproxyCompose,
      options.gateways,
      { ocpp: options.ocppPort, api: options.apiPort, stats: options.statsPort },
      9_000,
    );
    await writeFile(haproxyConfig, localConfig);
    const haproxy = spawnProcess("haproxy", ["-db", "-f", haproxyConfig]);
    started.push(haproxy);

    const projector = spawnProcess(
      process.execPath,
      [PROJECTOR, "--gateway-timeout", String(options.gatewayTimeout)],
      {
        env: {
          ...shared,
          ...composeEnvironment(compose, "metrics-projector"),
          NATS_URL: nats.url,
          METRICS_PORT: String(options.projectorPort),
          API_TOKENS: apiTokens,
          API_PORT: String(options.projectorApiPort),
        },
      },
    );
    started.push(projector);
    await projector.waitForOutput(/projector started/);

    let prometheusUrl: string | undefined;
    if (await which("prometheus")) {
      const config = join(options.dataDir, "prometheus.yml");
      const prometheusCompose = await readFile(repo("deploy/prometheus/prometheus.yml"), "utf8");
      await writeFile(
        config,
        localPrometheusConfig(
          prometheusCompose,
          {
            "levity-projector": [`127.0.0.1:${options.projectorPort}`],
            "levity-gateway": options.gateways.map((gateway) => `127.0.0.1:${gateway.opsPort}`),
            haproxy: [`127.0.0.1:${options.statsPort}`],
          },
          [repo("deploy/prometheus/rules/ocpp-alerts.yml")],
        ),
      );
      const prometheus = spawnProcess("prometheus", [
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(options.dataDir, "prometheus")}`,
        `--web.listen-address=127.0.0.1:${options.prometheusPort}`,
      ]);
      started.push(prometheus);
      await prometheus.waitForOutput(/Server is ready to receive web requests/);
      prometheusUrl = `http://127.0.0.1:${options.prometheusPort}`;
    }
    await eventually(async () => {
      if (!haproxy.running) throw new Error(`haproxy exited:\n${haproxy.tail()}`);
      const response = await fetch(`http://127.0.0.1:${options.statsPort}/stats`);
      if (!response.ok) throw new Error(`haproxy stats answered ${response.status}`);
    });
    return {
      ocppUrl: `ws://127.0.0.1:${options.ocppPort}/ocpp`,
      apiUrl: `http://127.0.0.1:${options.apiPort}`,
      tokenFile,
      projectorUrl: `http://127.0.0.1:${options.projectorPort}`,
      projectorApiUrl: `http://127.0.0.1:${options.projectorApiPort}`,
      prometheusUrl,
      gateways,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
