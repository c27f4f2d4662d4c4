import { fileURLToPath } from "node:url";
import { freePort } from "../free-port.js";
import { type SpawnedProcess, spawnProcess } from "./spawned-process.js";

const repo = (path: string) => fileURLToPath(new URL(`../../../../${path}`, import.meta.url));

/** The built Levity programs (`pnpm build` makes them). */
export const LEVITY_PROGRAMS = {
  gateway: repo("services/ocpp-gateway/dist/main.js"),
  projector: repo("services/metrics-projector/dist/main.js"),
  allInOne: repo("services/all-in-one/dist/main.js"),
  sim: repo("packages/simulator/dist/cli/main.js"),
  admin: repo("services/ocpp-gateway/dist/admin.js"),
} as const;

/** Resolves once `url` answers 2xx; rejects when `process` exits first or after `timeoutMs`. */
export async function untilHttpOk(
  url: string,
  process?: SpawnedProcess,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await fetch(url).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    if (process && !process.running) throw new Error(`exited before ${url}:\n${process.tail()}`);
    if (Date.now() > deadline) throw new Error(`${url} not OK within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A Levity service running as its own process, with its ops endpoint. */
export interface ServiceProcess {
  readonly process: SpawnedProcess;
  /** Base URL of /metrics, /healthz and /readyz. */
  readonly opsUrl: string;
  readonly opsPort: number;
}

/** A gateway process: where charge points connect, and its ops endpoint. */
export interface GatewayProcess extends ServiceProcess {
  readonly ocppPort: number;
  /** ws URL charge points append their identity to. */
  readonly url: string;
  /** Base URL of the command API (served when the gateway has API_TOKENS). */
  readonly apiUrl: string;
}

/** Where a service listens; free ports when absent (pass the old ones to restart "the same" service). */
export interface ServicePorts {
  readonly ocppPort?: number;
  readonly opsPort?: number;
  readonly apiPort?: number;
}

/** Starts the built gateway with `env` (NATS_URL, ALLOW_UNKNOWN, ...) and resolves once it is ready. */
export async function launchGateway(
  env: Readonly<Record<string, string>>,
  ports: ServicePorts = {},
): Promise<GatewayProcess> {
  const ocppPort = ports.ocppPort ?? (await freePort());
  const opsPort = ports.opsPort ?? (await freePort());
  const apiPort = ports.apiPort ?? (await freePort());
  const child = spawnProcess(process.execPath, [LEVITY_PROGRAMS.gateway], {
    env: {
      ...process.env,
      ...env,
      OCPP_PORT: String(ocppPort),
      METRICS_PORT: String(opsPort),
      API_PORT: String(apiPort),
    },
  });
  const opsUrl = `http://127.0.0.1:${opsPort}`;
  await untilHttpOk(`${opsUrl}/readyz`, child);
  return {
    process: child,
    opsUrl,
    opsPort,
    ocppPort,
    url: `ws://127.0.0.1:${ocppPort}/ocpp`,
    apiUrl: `http://127.0.0.1:${apiPort}`,
  };
}

/** Starts the built projector with `env`; resolves once it serves (not yet ready: see `/readyz`). */
export async function launchProjector(
  env: Readonly<Record<string, string>>,
  ports: ServicePorts = {},
): Promise<ServiceProcess> {
  const opsPort = ports.opsPort ?? (await freePort());
  const child = spawnProcess(process.execPath, [LEVITY_PROGRAMS.projector], {
    env: { ...process.env, ...env, METRICS_PORT: String(opsPort) },
  });
  const opsUrl = `http://127.0.0.1:${opsPort}`;
  await untilHttpOk(`${opsUrl}/healthz`, child);
  return { process: child, opsUrl, opsPort };
}
