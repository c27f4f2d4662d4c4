import { once } from "node:events";
import { WebSocket } from "ws";

// Abusive charge points, in their own process (forked, driven over IPC): each loops through the
// ways a charge point can misbehave, one connection per round, reconnecting as fast as it is let.

/** A command from the bench. */
export type AbuseCommand = { cmd: "start"; url: string; clients: number } | { cmd: "stop" };

/** What the abusers did, for the report. */
export interface AbuseStats {
  readonly connections: number;
  readonly frames: number;
  readonly bytes: number;
  /** Close codes the gateway (or the network) ended connections with. */
  readonly closes: Readonly<Record<string, number>>;
}

const NESTED = "[".repeat(30_000) + "]".repeat(30_000);
const OVERSIZED = `[2,"big","DataTransfer",{"vendorId":"v","data":"${"d".repeat(70_000)}"}]`;
const VALID =
  '[2,"ok","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Available"}]';

function randomText(length: number): string {
  let text = "";
  for (let i = 0; i < length; i++) text += String.fromCharCode(32 + Math.floor(Math.random() * 95));
  return text;
}

/** A valid frame with a few characters cut and replaced, or plain noise. */
function garbage(): string {
  if (Math.random() < 0.3) return randomText(1 + Math.floor(Math.random() * 200));
  const at = Math.floor(Math.random() * VALID.length);
  return VALID.slice(0, at) + randomText(Math.floor(Math.random() * 4)) + VALID.slice(at + 2);
}

/** The frames one connection sends, and whether the gateway is expected to close it. */
type Behaviour = () => { frames: (string | Buffer)[]; closedByGateway: boolean };

/** Garbage, a call flood, an oversized message, deep nesting, invalid UTF-8, invalid calls. */
const BEHAVIOURS: readonly Behaviour[] = [
  () => ({ frames: Array.from({ length: 100 }, garbage), closedByGateway: false }),
  () => ({
    frames: Array.from({ length: 500 }, (_, i) => `[2,"f${i}","Heartbeat",{}]`),
    closedByGateway: true,
  }),
  () => ({ frames: [OVERSIZED], closedByGateway: true }),
  () => ({ frames: Array.from({ length: 10 }, () => NESTED), closedByGateway: false }),
  () => ({ frames: [Buffer.from([0x5b, 0xff, 0x5d])], closedByGateway: true }),
  () => ({
    frames: Array.from({ length: 100 }, (_, i) => `[2,"x${i}","Authorize",{"idTag":${i}}]`),
    closedByGateway: false,
  }),
];

let running = false;
let connections = 0;
let frames = 0;
let bytes = 0;
const closes: Record<string, number> = {};

async function round(url: string, behaviour: Behaviour): Promise<void> {
  const socket = new WebSocket(url, ["ocpp1.6"], { perMessageDeflate: false });
  socket.on("error", () => {});
  const closed = once(socket, "close");
  await Promise.race([once(socket, "open"), closed]);
  if (socket.readyState !== WebSocket.OPEN) return;
  connections += 1;
  const plan = behaviour();
  for (const frame of plan.frames) {
    // Text frames even for the invalid UTF-8 bytes: that is the abuse.
    socket.send(frame, { binary: false });
    frames += 1;
    bytes += frame.length;
  }
  if (!plan.closedByGateway) socket.close(1000);
  const [code] = (await closed) as [number];
  closes[code] = (closes[code] ?? 0) + 1;
}

async function abuser(url: string, index: number): Promise<void> {
  for (let n = index; running; n++) {
    await round(`${url}/ABUSE-${index}`, BEHAVIOURS[n % BEHAVIOURS.length] as Behaviour);
  }
}

let abusers: Promise<void>[] = [];

process.on("message", async (message: AbuseCommand) => {
  if (message.cmd === "start") {
    running = true;
    abusers = Array.from({ length: message.clients }, (_, i) => abuser(message.url, i));
    process.send?.({ started: true });
    return;
  }
  running = false;
  await Promise.all(abusers);
  const stats: AbuseStats = { connections, frames, bytes, closes };
  process.send?.(stats);
});
process.send?.({ ready: true });
