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
      /** Source address (127.x.y.z): each has its own ephemeral ports, 28,000 here. */
      localAddress?: string;
    }
  | { cmd: "steady"; seconds: number }
  | { cmd: "paced"; seconds: number; perSecond: number; mix?: "steady" | "heartbeat" }
  | { cmd: "start-transactions"; concurrency: number }
  | { cmd: "realistic"; seconds: number; perSecond: number }
  | { cmd: "close" };

/** Calls of the realistic mix (or of the transactions it starts from), by action. */
export interface MixResult {
  readonly calls: number;
  readonly errors: number;
  readonly seconds: number;
  readonly latency: string;
  readonly actions: Readonly<Record<string, number>>;
  /** How many times faster than the model's clock the charge points ran to make the asked rate. */
  readonly compression: number;
}

interface Peer {
  readonly socket: WebSocket;
  readonly messages: LoadMessages;
  waiting: ((text: string) => void) | undefined;
  next: number;
  /** The transaction the realistic mix has open on this charge point. */
  transactionId: number | undefined;
  energyWh: number;
}

const peers: Peer[] = [];
let idCounter = 0;

function open(
  url: string,
  identity: string,
  password: string | undefined,
  protocol: LoadProtocol,
  localAddress: string | undefined,
): Promise<Peer> {
  return new Promise((resolve, reject) => {
    const headers = password
      ? { Authorization: `Basic ${Buffer.from(`${identity}:${password}`).toString("base64")}` }
      : undefined;
    const socket = new WebSocket(`${url}/${identity}`, [protocol], {
      perMessageDeflate: false,
      ...(headers ? { headers } : {}),
      ...(localAddress ? { localAddress } : {}),
    });
    const peer: Peer = {
      socket,
      messages: LOAD_MESSAGES[protocol],
      waiting: undefined,
      next: 0,
      transactionId: undefined,
      energyWh: 0,
    };
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
    // A call the central system will never answer now fails instead of hanging its command.
    socket.on("close", () => {
      const waiting = peer.waiting;
      peer.waiting = undefined;
      waiting?.("");
    });
    socket.once("open", () => resolve(peer));
    socket.once("error", reject);
  });
}

/** Sends a call and resolves with the answer's text ("" when the socket is gone). */
function request(peer: Peer, action: string, payload: string): Promise<string> {
  if (peer.socket.readyState !== WebSocket.OPEN) return Promise.resolve("");
  return new Promise((resolve) => {
    idCounter += 1;
    const id = idCounter.toString(36);
    peer.waiting = resolve;
    peer.socket.send(callText(id, action, payload));
  });
}

async function call(peer: Peer, action: string, payload: string): Promise<boolean> {
  return (await request(peer, action, payload)).startsWith("[3,");
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
          command.localAddress,
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

// The realistic mix of "fleet at rest" (1.6): each charge point on its own clock, random phase.
// - A Heartbeat every 300 s (the interval the gateway gives at boot).
// - A meter tick every 60 s: a charge point in a transaction sends MeterValues (3-phase current,
//   power, energy register), then ends the transaction with probability 60 s / 45 min
//   (StopTransaction, StatusNotification Available); one not in a transaction starts one with the
//   same probability (StartTransaction, StatusNotification Charging). Sessions and the gaps between
//   them last 45 min on average, so half the fleet is charging at any time, and the status
//   notifications are the status changes that come with them.
// That is 1/300 + (0.5 + 2 × 60/2700) / 60 ≈ 0.0124 calls/s per charge point: 600/s for 48,000.
// The bench asks for a total rate instead (1,000/s for 48,000): every interval is divided by one
// factor so that the charge points held make that rate, with the mix unchanged.
const HEARTBEAT_S = 300;
const TICK_S = 60;
const SESSION_S = 45 * 60;
const CHARGING_SHARE = 0.5;
const SWITCH_PROBABILITY = TICK_S / SESSION_S;
const CALLS_PER_CP_PER_S = 1 / HEARTBEAT_S + (CHARGING_SHARE + 2 * SWITCH_PROBABILITY) / TICK_S;
// 11 kW for one tick, on the model's clock.
const WH_PER_TICK = (11_040 * TICK_S) / 3600;

const isoNow = () => new Date().toISOString();

function statusPayload(status: string): string {
  return JSON.stringify({ connectorId: 1, errorCode: "NoError", status, timestamp: isoNow() });
}

function meterValuesPayload(transactionId: number, energyWh: number): string {
  return JSON.stringify({
    connectorId: 1,
    transactionId,
    meterValue: [
      {
        timestamp: isoNow(),
        sampledValue: [
          { value: "16.1", measurand: "Current.Import", unit: "A", phase: "L1" },
          { value: "15.9", measurand: "Current.Import", unit: "A", phase: "L2" },
          { value: "16.0", measurand: "Current.Import", unit: "A", phase: "L3" },
          { value: "11040", measurand: "Power.Active.Import", unit: "W" },
          {
            value: energyWh.toFixed(1),
            measurand: "Energy.Active.Import.Register",
            unit: "Wh",
          },
        ],
      },
    ],
  });
}

/** Times and counts the calls of one command. */
class Tally {
  readonly #latency = newLatencyHistogram();
  readonly #actions: Record<string, number> = {};
  readonly #started = performance.now();
  #calls = 0;
  #errors = 0;

  async call(peer: Peer, action: string, payload: string): Promise<string> {
    const begin = performance.now();
    const reply = await request(peer, action, payload);
    this.#latency.recordValue(Math.max(1, Math.round((performance.now() - begin) * 1000)));
    this.#calls += 1;
    this.#actions[action] = (this.#actions[action] ?? 0) + 1;
    if (!reply.startsWith("[3,")) this.#errors += 1;
    return reply;
  }

  result(compression: number): MixResult {
    return {
      calls: this.#calls,
      errors: this.#errors,
      seconds: (performance.now() - this.#started) / 1000,
      latency: encodeLatency(this.#latency),
      actions: this.#actions,
      compression,
    };
  }
}

async function startTransaction(peer: Peer, tally: Tally): Promise<void> {
  const reply = await tally.call(
    peer,
    "StartTransaction",
    JSON.stringify({
      connectorId: 1,
      idTag: "BENCH",
      meterStart: Math.round(peer.energyWh),
      timestamp: isoNow(),
    }),
  );
  const id = /"transactionId":(-?\d+)/.exec(reply)?.[1];
  if (!reply.startsWith("[3,") || id === undefined) return;
  peer.transactionId = Number(id);
  await tally.call(peer, "StatusNotification", statusPayload("Charging"));
}

async function stopTransaction(peer: Peer, tally: Tally, transactionId: number): Promise<void> {
  peer.transactionId = undefined;
  await tally.call(
    peer,
    "StopTransaction",
    JSON.stringify({
      transactionId,
      meterStop: Math.round(peer.energyWh),
      timestamp: isoNow(),
      reason: "EVDisconnected",
    }),
  );
  await tally.call(peer, "StatusNotification", statusPayload("Available"));
}

/** The charge points in a transaction where the realistic mix starts: its stationary share. */
async function startTransactions(concurrency: number): Promise<MixResult> {
  const tally = new Tally();
  const charging = peers.filter(
    (peer) => peer.transactionId === undefined && Math.random() < CHARGING_SHARE,
  );
  let next = 0;
  const worker = async () => {
    while (next < charging.length) {
      const peer = charging[next++];
      if (peer) await startTransaction(peer, tally);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return tally.result(1);
}

async function meterTick(peer: Peer, tally: Tally): Promise<void> {
  const switches = Math.random() < SWITCH_PROBABILITY;
  const transactionId = peer.transactionId;
  if (transactionId === undefined) {
    if (switches) await startTransaction(peer, tally);
    return;
  }
  peer.energyWh += WH_PER_TICK;
  await tally.call(peer, "MeterValues", meterValuesPayload(transactionId, peer.energyWh));
  if (switches) await stopTransaction(peer, tally, transactionId);
}

/** The realistic mix for `seconds`, its clock compressed so that all peers make `perSecond`. */
async function realistic(seconds: number, perSecond: number): Promise<MixResult> {
  const tally = new Tally();
  const compression = perSecond / Math.max(1, peers.length * CALLS_PER_CP_PER_S);
  const heartbeatMs = (HEARTBEAT_S * 1000) / compression;
  const tickMs = (TICK_S * 1000) / compression;
  const started = performance.now();
  const endsAt = started + seconds * 1000;
  const loop = async (peer: Peer) => {
    let heartbeatAt = started + Math.random() * heartbeatMs;
    let tickAt = started + Math.random() * tickMs;
    for (;;) {
      const due = Math.min(heartbeatAt, tickAt);
      if (due >= endsAt) return;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (heartbeatAt <= tickAt) {
        await tally.call(peer, "Heartbeat", "{}");
        heartbeatAt += heartbeatMs;
      } else {
        await meterTick(peer, tally);
        tickAt += tickMs;
      }
    }
  };
  await Promise.all(peers.map(loop));
  return tally.result(compression);
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

function handle(message: LoadCommand) {
  switch (message.cmd) {
    case "connect":
      return connect(message);
    case "steady":
      return steady(message.seconds, undefined);
    case "paced":
      return steady(message.seconds, message.perSecond, message.mix === "heartbeat");
    case "start-transactions":
      return startTransactions(message.concurrency);
    case "realistic":
      return realistic(message.seconds, message.perSecond);
    case "close":
      return close();
  }
}

process.on("message", async (message: LoadCommand) => {
  process.send?.(await handle(message));
});
process.send?.({ ready: true });
