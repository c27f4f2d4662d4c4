import { connect, type Socket } from "node:net";
import { connect as connectTls } from "node:tls";
import { HandshakeRefused, OcppClient } from "@levity/simulator";
import { createTestPki, type TestPki } from "@levity/testkit";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  expectNeighbourServed,
  type FuzzTarget,
  type Neighbour,
  startFuzzTarget,
} from "./fuzz-target.js";

// Connections that never become WebSockets: idle, trickled (slowloris), or with odd identities.

let pki: TestPki;
let target: FuzzTarget;
let neighbour: Neighbour;

beforeAll(async () => {
  pki = await createTestPki();
  target = await startFuzzTarget({
    handshakeTimeoutMs: 500,
    maxIdentityLength: 48,
    tls: { port: 0, certFile: pki.serverCertFile, keyFile: pki.serverKeyFile, caFile: undefined },
  });
  neighbour = target.neighbour();
});
afterAll(async () => {
  await target?.stop();
  await pki?.dispose();
});

/** Everything the server sent on `socket` until it closed the connection. */
function untilClosed(socket: Socket): Promise<string> {
  let received = "";
  socket.on("data", (chunk: Buffer) => {
    received += chunk.toString("latin1");
  });
  socket.on("error", () => {});
  return new Promise((resolve) => socket.once("close", () => resolve(received)));
}

/** Writes `bytes` one by one, a little apart, until the server closes the connection. */
function trickle(socket: Socket, bytes: string): void {
  let next = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || next >= bytes.length) clearInterval(timer);
    else socket.write(bytes.charAt(next++));
  }, 20);
  socket.once("close", () => clearInterval(timer));
}

const REQUEST_LINE = "GET /ocpp/SLOW HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n";
const ENDLESS_HEADER = `X-Slow: ${"a".repeat(10_000)}`;

/** Refused handshakes counted with `reason` so far. */
async function refusals(reason: string): Promise<number> {
  const text = await target.g.registry.getSingleMetricAsString(
    "levity_gateway_handshakes_rejected_total",
  );
  return Number(new RegExp(`reason="${reason}"} (\\d+)`).exec(text)?.[1] ?? 0);
}

describe("handshakes that never complete", () => {
  it("answers 408 and closes a connection that never sends a request, and counts it", async () => {
    const before = await refusals("handshake-timeout");
    const closed = untilClosed(connect(target.port, "127.0.0.1"));
    expect(await closed).toMatch(/^HTTP\/1\.1 408 /);
    expect(await refusals("handshake-timeout")).toBe(before + 1);
  });

  it("answers 408 and closes a request whose headers are trickled and never finished", async () => {
    const socket = connect(target.port, "127.0.0.1", () =>
      trickle(socket, REQUEST_LINE + ENDLESS_HEADER),
    );
    expect(await untilClosed(socket)).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("answers 408 and closes a request that stops after a few headers", async () => {
    const socket = connect(target.port, "127.0.0.1", () => socket.write(REQUEST_LINE));
    expect(await untilClosed(socket)).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("answers a plain HTTP request 426 at once", async () => {
    const socket = connect(target.port, "127.0.0.1", () =>
      socket.write("GET /ocpp/X HTTP/1.1\r\nHost: x\r\n\r\n"),
    );
    expect(await untilClosed(socket)).toMatch(/^HTTP\/1\.1 426 /);
  });

  it("closes a connection to the TLS port that never starts TLS (regression: held 120 s)", async () => {
    const before = await refusals("handshake-timeout");
    expect(await untilClosed(connect(target.g.gateway.tlsPort ?? 0, "127.0.0.1"))).toBe("");
    expect(await refusals("handshake-timeout")).toBe(before + 1);
  });

  it("answers 400 to bytes that are not HTTP, and counts TLS garbage", async () => {
    const [badRequests, tlsFailures] = [
      await refusals("bad-request"),
      await refusals("tls-failed"),
    ];
    const socket = connect(target.port, "127.0.0.1", () =>
      socket.write("\x16\x03\x01garbage\r\n\r\n"),
    );
    expect(await untilClosed(socket)).toMatch(/^HTTP\/1\.1 400 /);
    expect(await refusals("bad-request")).toBe(badRequests + 1);
    const tls = connect(target.g.gateway.tlsPort ?? 0, "127.0.0.1", () =>
      tls.write("GET / HTTP/1.1\r\n\r\n"),
    );
    expect(await untilClosed(tls)).toBe("");
    expect(await refusals("tls-failed")).toBe(tlsFailures + 1);
  });

  it("answers 408 over TLS to a connection that completes TLS but sends no request", async () => {
    const socket = connectTls({
      port: target.g.gateway.tlsPort ?? 0,
      host: "127.0.0.1",
      rejectUnauthorized: false,
    });
    expect(await untilClosed(socket)).toMatch(/^HTTP\/1\.1 408 /);
  });
});

/** Whether the gateway must admit `identity` (a path segment, before percent-encoding). */
function admissible(identity: string): boolean {
  // "." and ".." are dot segments: URL resolution removes them before the request is sent.
  if (identity === "" || identity === "." || identity === "..") return false;
  const characters = [...identity];
  const control = characters.some((char) => {
    const code = char.codePointAt(0) ?? 0;
    return code < 0x20 || (code >= 0x7f && code <= 0x9f);
  });
  return !control && characters.length <= 48;
}

describe("identities in the URL", () => {
  it("admits an identity, or refuses it with 400, by its length and characters only", async () => {
    const identity = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.string({ maxLength: 60, unit: "grapheme" }),
      fc.constantFrom(".", "..", "%", "%00", "a/b", "\u0085"),
    );
    await fc.assert(
      fc.asyncProperty(identity, async (id) => {
        const opened = await OcppClient.connect(target.g.url, id).then(
          (client) => client.close().then(() => "opened"),
          (error: unknown) => (error instanceof HandshakeRefused ? error.status : String(error)),
        );
        expect(opened).toBe(admissible(id) ? "opened" : 400);
      }),
      { numRuns: 150 },
    );
  });

  it("kept the neighbour answered throughout, and left nothing behind", async () => {
    await expectNeighbourServed(neighbour);
    await target.expectUnharmed();
    const fresh = await OcppClient.connect(target.g.url, "FRESH");
    expect(await fresh.call("Heartbeat", {})).toMatchObject({ kind: "result" });
    await fresh.close();
  });
});
