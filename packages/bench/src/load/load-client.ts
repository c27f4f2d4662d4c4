import { WebSocket } from "ws";
import { encodeLatency, newLatencyHistogram } from "../measure/latency.js";
import { callText, LOAD_MESSAGES, type LoadMessages, type LoadProtocol } from "./messages.js";

// The load generator, in its own process (forked, driven over IPC) so its CPU is its own: many
// charge-point sockets, one outstanding call each, as OCPP requires.

/** A command from the bench. */
export type LoadCommand =
  | {
      cmd: "connect";
      url: string;
      prefix: string;
      from: number;
      count: number;
      concurrency: number;
      /** HTTP Basic password of every charge point (a registry-mode gateway). */
      password?: string;
      /** The version the charge points speak: 1.6 unless told. */
      protocol?: LoadProtocol;
    }
  | { cmd: "steady"; seconds: number }
  | { cmd: "paced"; seconds: number; perSecond: number; mix?: "steady" | "heartbeat" }
  | { cmd: "close" };

interface Peer {
  readonly socket: WebSocket;
  readonly messages: LoadMessages;
  waiting: ((text: string) => void) | undefined;
  next: number;
}

const peers: Peer[] = [];
let idCounter = 0;

function open(
  url: string,
  identity: string,
  password: string | undefined,
  protocol: LoadProtocol,
): Promise<Peer> {
  return new Promise((resolve, reject) => {
    const headers = password
      ? { Authorization: `Basic ${Buffer.from(`${identity}:${password}`).toString("base64")}` }
      : undefined;
    const socket = new WebSocket(`${url}/${identity}`, [protocol], {
      perMessageDeflate: false,
      ...(headers ? { headers } : {}),
    });
    const peer: Peer = { socket, messages: LOAD_MESSAGES[protocol], waiting: undefined, next: 0 };
    socket.on("message", (data) => {
      const text = data.toString();
      // A command from the central system: answered at once, as a quick charger would.
      if (text.startsWith("[2,")) {
        const id = text.slice(4, text.indexOf('"', 4));
        socket.send(`[3,"${id}",{"status":"Accepted"}]`);
        return;
      }
      const waiting = peer.waiting;
      peer.waiting = undefined;
      waiting?.(text);
    });
    socket.once("open", () => resolve(peer));
    socket.once("error", reject);
  });
}

function call(peer: Peer, action: string, payload: string): Promise<boolean> {
  return new Promise((resolve) => {
    idCounter += 1;
    const id = idCounter.toString(36);
    peer.waiting = (text) => resolve(text.startsWith("[3,"));
    peer.socket.send(callText(id, action, payload));
  });
}

async function connect(command: Extract<LoadCommand, { cmd: "connect" }>) {
  const latency = newLatencyHistogram();
  let next = command.from;
  let failed = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < command.from + command.count) {
      const index = next++;
      const begin = performance.now();
      try {
        const peer = await open(
          command.url,
          `${command.prefix}${index}`,
          command.password,
          command.protocol ?? "ocpp1.6",
        );
        if (await call(peer, "BootNotification", peer.messages.boot)) peers.push(peer);
        else failed += 1;
        latency.recordValue(Math.max(1, Math.round((performance.now() - begin) * 1000)));
      } catch {
        failed += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: command.concurrency }, worker));
  return {
    connected: command.count - failed,
    failed,
    seconds: (performance.now() - started) / 1000,
    latency: encodeLatency(latency),
  };
}

async function steady(seconds: number, perSecond: number | undefined, heartbeats = false) {
  const latency = newLatencyHistogram();
  let calls = 0;
  let errors = 0;
  const endsAt = performance.now() + seconds * 1000;
  // Paced: each peer waits its turn so that all together make `perSecond` calls.
  const gapMs = perSecond ? (peers.length * 1000) / perSecond : 0;
  const loop = async (peer: Peer, index: number) => {
    const mixOf = heartbeats ? peer.messages.heartbeat : peer.messages.steady;
    let due = performance.now() + (gapMs * index) / peers.length;
    let mix = index;
    while (performance.now() < endsAt) {
      if (gapMs > 0) {
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        due += gapMs;
      }
      const [action, payload] = mixOf[mix++ % mixOf.length] as [string, string];
      const begin = performance.now();
      const ok = await call(peer, action, payload);
      latency.recordValue(Math.max(1, Math.round((performance.now() - begin) * 1000)));
      calls += 1;
      if (!ok) errors += 1;
    }
  };
  const started = performance.now();
  await Promise.all(peers.map((peer, index) => loop(peer, index)));
  return {
    calls,
    errors,
    seconds: (performance.now() - started) / 1000,
    latency: encodeLatency(latency),
  };
}

async function close() {
  await Promise.all(
    peers.splice(0).map(
      (peer) =>
        new Promise<void>((resolve) => {
          peer.socket.once("close", () => resolve());
          peer.socket.close();
          setTimeout(() => {
            peer.socket.terminate();
            resolve();
          }, 2_000).unref();
        }),
    ),
  );
  return { closed: true };
}

process.on("message", async (message: LoadCommand) => {
  const reply =
    message.cmd === "connect"
      ? await connect(message)
      : message.cmd === "steady"
        ? await steady(message.seconds, undefined)
        : message.cmd === "paced"
          ? await steady(message.seconds, message.perSecond, message.mix === "heartbeat")
          : await close();
  process.send?.(reply);
});
process.send?.({ ready: true });
