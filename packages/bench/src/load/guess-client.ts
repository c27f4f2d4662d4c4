import { WebSocket } from "ws";

// Password guessers, in their own process (forked, driven over IPC): keeps a number of handshakes
// in flight, each with a wrong password for one registered charge point, each from the next of
// many loopback source addresses (127.1.0.0/16), so no per-address limit slows the flood down and
// every guess reaches the password check: the gateway-wide bound is what is measured.

/** A command from the bench. */
export type GuessCommand =
  | { cmd: "start"; url: string; identity: string; inFlight: number }
  | { cmd: "stop" };

/** What the guessers got back, by HTTP status (101: a guess got in, which must never happen). */
export type GuessStats = Readonly<Record<string, number>>;

let running = false;
let sourceIndex = 0;
const statuses: Record<string, number> = {};

function nextSource(): string {
  sourceIndex = (sourceIndex + 1) % 65_000;
  return `127.1.${Math.floor(sourceIndex / 250)}.${(sourceIndex % 250) + 1}`;
}

function guess(url: string, identity: string, attempt: number): Promise<void> {
  return new Promise((resolve) => {
    const password = `wrong-guess-${attempt}`;
    const socket = new WebSocket(`${url}/${identity}`, ["ocpp1.6"], {
      perMessageDeflate: false,
      localAddress: nextSource(),
      headers: {
        Authorization: `Basic ${Buffer.from(`${identity}:${password}`).toString("base64")}`,
      },
    });
    let counted = false;
    const count = (status: string) => {
      if (counted) return;
      counted = true;
      statuses[status] = (statuses[status] ?? 0) + 1;
      resolve();
    };
    socket.on("unexpected-response", (request, response) => {
      count(String(response.statusCode));
      request.destroy();
    });
    socket.on("open", () => {
      count("101");
      socket.terminate();
    });
    socket.on("error", () => count("error"));
  });
}

let guessers: Promise<void>[] = [];

process.on("message", async (message: GuessCommand) => {
  if (message.cmd === "start") {
    running = true;
    let attempt = 0;
    guessers = Array.from({ length: message.inFlight }, async () => {
      while (running) await guess(message.url, message.identity, attempt++);
    });
    process.send?.({ started: true });
    return;
  }
  running = false;
  await Promise.all(guessers);
  process.send?.({ ...statuses });
});
process.send?.({ ready: true });
