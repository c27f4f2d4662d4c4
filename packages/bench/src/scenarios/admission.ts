import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hashPassword, SCRYPT_COST } from "@levity/ocpp-gateway";
import { WebSocket } from "ws";
import { cpuSeconds } from "../measure/proc-stats.js";
import { startLevity } from "./systems.js";

/** How fast registered charge points get in: the first time (scrypt) and again (cached). */
export interface AdmissionRow {
  readonly keys: string;
  readonly chargePoints: number;
  readonly refused: number;
  readonly coldPerSecond: number;
  readonly warmPerSecond: number;
  /** Gateway CPU per first admission, ms (the key derivation dominates). */
  readonly coldCpuMs: number;
  readonly warmCpuMs: number;
}

const KEY = "0123456789abcdef0123456789abcdef01234567";

/**
 * One authenticated connection attempt: the socket, a refusal, or (503 with Retry-After: the
 * gateway's password checks are all taken) how many seconds to wait before trying again.
 */
function attempt(
  url: string,
  id: string,
): Promise<WebSocket | { retryAfterS: number } | undefined> {
  const authorization = `Basic ${Buffer.from(`${id}:${KEY}`).toString("base64")}`;
  return new Promise((resolve) => {
    const socket = new WebSocket(`${url}/${id}`, "ocpp1.6", { headers: { authorization } });
    socket.once("open", () => resolve(socket));
    socket.once("unexpected-response", (request, response) => {
      request.destroy();
      const retryAfter = Number(response.headers["retry-after"]);
      resolve(
        response.statusCode === 503 && retryAfter > 0 ? { retryAfterS: retryAfter } : undefined,
      );
    });
    socket.once("error", () => resolve(undefined));
  });
}

/** Opens one authenticated connection per identity at once, as firmware does, honouring Retry-After. */
async function connectAll(url: string, identities: readonly string[]): Promise<WebSocket[]> {
  const sockets = await Promise.all(
    identities.map(async (id) => {
      for (;;) {
        const outcome = await attempt(url, id);
        if (!outcome || outcome instanceof WebSocket) return outcome;
        await new Promise((resolve) => setTimeout(resolve, outcome.retryAfterS * 1000));
      }
    }),
  );
  return sockets.filter((socket): socket is WebSocket => socket !== undefined);
}

async function closeAll(sockets: readonly WebSocket[]): Promise<void> {
  await Promise.all(
    sockets.map(
      (socket) =>
        new Promise<void>((resolve) => {
          socket.once("close", () => resolve());
          socket.close();
        }),
    ),
  );
}

/** Admits `count` charge points registered with keys hashed at scrypt cost `N`, twice. */
async function admitFleet(keys: string, N: number, count: number): Promise<AdmissionRow> {
  const dir = await mkdtemp(join(tmpdir(), "levity-bench-admission-"));
  const registry = join(dir, "charge-points.json");
  // One hash for all: verifying costs the same whatever the salt.
  const passwordHash = await hashPassword(Buffer.from(KEY), N);
  const identities = Array.from({ length: count }, (_, i) => `ADM-${i + 1}`);
  const chargePoints = identities.map((identity) => ({
    identity,
    securityProfile: 1,
    passwordHash,
  }));
  await writeFile(registry, JSON.stringify({ chargePoints }));
  const levity = await startLevity({ gateway: true, gatewayEnv: { CHARGE_POINTS: registry } });
  const pid = levity.pids.gateway ?? 0;
  try {
    const round = async () => {
      const cpu = cpuSeconds(pid);
      const started = performance.now();
      const sockets = await connectAll(levity.url, identities);
      const seconds = (performance.now() - started) / 1000;
      const cpuMs = ((cpuSeconds(pid) - cpu) * 1000) / Math.max(1, sockets.length);
      await closeAll(sockets);
      return { admitted: sockets.length, perSecond: Math.round(sockets.length / seconds), cpuMs };
    };
    const cold = await round();
    const warm = await round();
    return {
      keys,
      chargePoints: count,
      refused: 2 * count - cold.admitted - warm.admitted,
      coldPerSecond: cold.perSecond,
      warmPerSecond: warm.perSecond,
      coldCpuMs: Math.round(cold.cpuMs * 100) / 100,
      warmCpuMs: Math.round(warm.cpuMs * 100) / 100,
    };
  } finally {
    await levity.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Sizes of the admission scenario. */
export function admissionSizes(quick: boolean): { generated: number; chosen: number } {
  return quick ? { generated: 500, chosen: 50 } : { generated: 5_000, chosen: 300 };
}

/** Cold and warm admission of profile-1 charge points, with generated keys and with chosen passwords. */
export async function admission(sizes: {
  generated: number;
  chosen: number;
}): Promise<readonly AdmissionRow[]> {
  return [
    await admitFleet("generated keys (scrypt N = 2^10)", SCRYPT_COST.generated, sizes.generated),
    await admitFleet("chosen passwords (scrypt N = 2^15)", SCRYPT_COST.chosen, sizes.chosen),
  ];
}

/** The report section of the admission scenario. */
export function renderAdmission(rows: readonly AdmissionRow[]): string {
  return [
    "Admission of security-profile-1 charge points, all connecting at once: the first time (scrypt key derivation on the thread pool, at most 2 at once; a handshake beyond the 128 waiting gets 503 and retries after its Retry-After) and again (verified-key cache).",
    "",
    "| keys | charge points | first admission | again | gateway CPU per admission, first / again | refused |",
    "|---|---|---|---|---|---|",
    ...rows.map(
      (row) =>
        `| ${row.keys} | ${row.chargePoints.toLocaleString("en-US")} | ${row.coldPerSecond.toLocaleString("en-US")} CPs/s | ${row.warmPerSecond.toLocaleString("en-US")} CPs/s | ${row.coldCpuMs} / ${row.warmCpuMs} ms | ${row.refused} |`,
    ),
    "",
  ].join("\n");
}
