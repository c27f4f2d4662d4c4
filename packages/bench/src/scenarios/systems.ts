import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

/** Starts NATS and the projector, and (unless told not to) a gateway, with extra settings. */
export async function startLevity(
  options: {
    gateway: boolean;
    gatewayEnv?: Record<string, string>;
    projectorEnv?: Record<string, string>;
    /** How long the projector may take to be ready (a replay of a long stream takes minutes). */
    projectorReadyMs?: number;
  } = { gateway: true },
): Promise<Levity> {
  const nats = await NatsServerProcess.start();
  const env = { NATS_URL: nats.url, LOG_LEVEL: "warn" };
  const gateway = options.gateway
    ? await launchGateway({
        ...env,
        ALLOW_UNKNOWN: "true",
        ...options.gatewayEnv,
        GATEWAY_ID: "bench",
        PING_INTERVAL: "60",
      })
    : undefined;
  const launchReadyProjector = async (opsPort?: number) => {
    const launched = await launchProjector(
      { ...env, ...options.projectorEnv },
      opsPort === undefined ? {} : { opsPort },
    );
    await untilHttpOk(`${launched.opsUrl}/readyz`, launched.process, options.projectorReadyMs);
    return launched;
  };
  let projector = await launchReadyProjector();
  const levity: Levity = {
    name: "levity",
    url: gateway?.url ?? "",
    nats,
    gatewayOps: gateway?.opsUrl ?? "",
    projectorOps: projector.opsUrl,
    get projector() {
      return projector.process;
    },
    get pids() {
      return {
        gateway: gateway?.process.pid ?? 0,
        nats: nats.pid ?? 0,
        projector: projector.process.pid ?? 0,
      };
    },
    stopProjector: async (signal = "SIGTERM") => {
      await projector.process.stop(signal);
    },
    restartProjector: async () => {
      const started = performance.now();
      projector = await launchReadyProjector(projector.opsPort);
      return (performance.now() - started) / 1000;
    },
    stop: async () => {
      await gateway?.process.stop();
      await projector.process.stop();
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

/** Runs `run` on a system started for it, and stops the system whatever happens. */
export async function withSystem<S extends System, T>(
  start: () => Promise<S>,
  run: (system: S) => Promise<T>,
): Promise<T> {
  const system = await start();
  try {
    return await run(system);
  } finally {
    await system.stop();
  }
}

/** Levity serving the command API: nats-server, gateways that accept an operator token, a projector. */
export interface CommandsLevity {
  /** The operator token every gateway's API accepts. */
  readonly token: string;
  readonly nats: NatsServerProcess;
  readonly gateways: readonly GatewayProcess[];
  readonly projector: ServiceProcess;
  stop(): Promise<void>;
}

/** Starts one gateway per id (with `gatewayEnv`) and a ready projector, and a token for their APIs. */
export async function startCommandsLevity(
  gatewayIds: readonly string[],
  gatewayEnv: Record<string, string> = {},
): Promise<CommandsLevity> {
  const dir = await mkdtemp(join(tmpdir(), "levity-bench-commands-"));
  const tokensFile = join(dir, "api-tokens.yaml");
  const { token, record } = newApiToken("bench", new Date());
  await writeFile(tokensFile, serializeApiTokens(new ApiTokens([record])));
  const nats = await NatsServerProcess.start();
  const started: ServiceProcess[] = [];
  const stop = async () => {
    for (const service of started) await service.process.stop("SIGTERM");
    await nats.dispose();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const gateways: GatewayProcess[] = [];
    for (const id of gatewayIds) {
      const gateway = await launchGateway({
        NATS_URL: nats.url,
        GATEWAY_ID: id,
        ALLOW_UNKNOWN: "true",
        LOG_LEVEL: "warn",
        API_TOKENS: tokensFile,
        PING_INTERVAL: "60",
        MAX_QUEUED_COMMANDS: "100",
        ...gatewayEnv,
      });
      started.push(gateway);
      gateways.push(gateway);
    }
    const projector = await launchProjector({ NATS_URL: nats.url, LOG_LEVEL: "warn" });
    started.push(projector);
    await untilHttpOk(`${projector.opsUrl}/readyz`, projector.process);
    return { token, nats, gateways, projector, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
