import { fileURLToPath } from "node:url";
import { freePort, NatsServerProcess, type SpawnedProcess, spawnProcess } from "@levity/testkit";

const repo = (path: string) => fileURLToPath(new URL(`../../../../${path}`, import.meta.url));
const GATEWAY = repo("services/ocpp-gateway/dist/main.js");
const PROJECTOR = repo("services/metrics-projector/dist/main.js");
const BASELINES = {
  "ocpp-rpc": fileURLToPath(new URL("../baselines/ocpp-rpc-server.ts", import.meta.url)),
  "bare-ws": fileURLToPath(new URL("../baselines/bare-ws-server.ts", import.meta.url)),
};

/** A central system under test: where charge points connect and which processes do its work. */
export interface System {
  readonly name: string;
  readonly url: string;
  /** Processes whose CPU counts as this system's, by role. */
  readonly pids: Readonly<Record<string, number>>;
  stop(): Promise<void>;
}

/** Levity's split deployment: a NATS server of its own, one gateway, one projector. */
export interface Levity extends System {
  readonly nats: NatsServerProcess;
  readonly gatewayOps: string;
  readonly projectorOps: string;
  readonly projector: SpawnedProcess;
  /** Starts the projector again (after `stopProjector`) and resolves when it is ready. */
  restartProjector(): Promise<number>;
  stopProjector(signal?: NodeJS.Signals): Promise<void>;
}

async function untilReady(url: string): Promise<void> {
  for (;;) {
    const ok = await fetch(url).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Starts NATS and the projector, and (unless told not to) a gateway with extra settings. */
export async function startLevity(
  options: { gateway: boolean; gatewayEnv?: Record<string, string> } = { gateway: true },
): Promise<Levity> {
  const nats = await NatsServerProcess.start();
  const env = { ...process.env, NATS_URL: nats.url, LOG_LEVEL: "warn" };
  const [ocppPort, gatewayOpsPort, projectorOpsPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  let gateway: SpawnedProcess | undefined;
  if (options.gateway) {
    gateway = spawnProcess(process.execPath, [GATEWAY, "--gateway-id", "bench"], {
      env: {
        ...env,
        ALLOW_UNKNOWN: "true",
        ...options.gatewayEnv,
        OCPP_PORT: String(ocppPort),
        METRICS_PORT: String(gatewayOpsPort),
        PING_INTERVAL: "60",
      },
    });
    await untilReady(`http://127.0.0.1:${gatewayOpsPort}/readyz`);
  }
  const projectorOps = `http://127.0.0.1:${projectorOpsPort}`;
  const launchProjector = () =>
    spawnProcess(process.execPath, [PROJECTOR], {
      env: { ...env, METRICS_PORT: String(projectorOpsPort) },
    });
  let projector = launchProjector();
  await untilReady(`${projectorOps}/readyz`);
  const levity: Levity = {
    name: "levity",
    url: `ws://127.0.0.1:${ocppPort}/ocpp`,
    nats,
    gatewayOps: `http://127.0.0.1:${gatewayOpsPort}`,
    projectorOps,
    get projector() {
      return projector;
    },
    get pids() {
      return { gateway: gateway?.pid ?? 0, nats: nats.pid ?? 0, projector: projector.pid ?? 0 };
    },
    stopProjector: async (signal = "SIGTERM") => {
      await projector.stop(signal);
    },
    restartProjector: async () => {
      const started = performance.now();
      projector = launchProjector();
      await untilReady(`${projectorOps}/readyz`);
      return (performance.now() - started) / 1000;
    },
    stop: async () => {
      await gateway?.stop();
      await projector.stop();
      await nats.dispose();
    },
  };
  return levity;
}

/** Starts a baseline server in its own process. */
export async function startBaseline(kind: keyof typeof BASELINES): Promise<System> {
  const port = await freePort();
  const server = spawnProcess(process.execPath, ["--import", "tsx", BASELINES[kind], String(port)]);
  await server.waitForOutput(/listening/);
  return {
    name: kind,
    url: `ws://127.0.0.1:${port}/ocpp`,
    pids: { server: server.pid ?? 0 },
    stop: async () => {
      await server.stop();
    },
  };
}
