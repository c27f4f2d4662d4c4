import { readFile } from "node:fs/promises";
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { Duplex } from "node:stream";
import type { TLSSocket } from "node:tls";
import type { Logger } from "@levity/service-kit";
import { type WebSocket, WebSocketServer } from "ws";
import type { Credential } from "../admission/credential.js";
import type { ConnectionFacts, Gatekeeper } from "../admission/gatekeeper.js";
import type { GatewayMetrics, HandshakeRejection } from "../metrics/gateway-metrics.js";
import {
  HANDLERS_BY_SUBPROTOCOL,
  negotiateProtocol,
  type ProtocolHandlers,
} from "../protocol/protocol-handlers.js";
import { clientAddress, type TrustedProxies } from "./client-address.js";
import { identityFromUrl } from "./handshake.js";

/** TLS for security profiles 2 and 3: a server certificate, and the CA that signs client certificates. */
export interface TlsOptions {
  readonly port: number;
  readonly certFile: string;
  readonly keyFile: string;
  /** Client certificates signed by this CA are trusted (security profile 3). */
  readonly caFile: string | undefined;
}

/** Where and how the gateway accepts charge points. */
export interface OcppServerOptions {
  readonly port: number;
  readonly host: string;
  readonly maxIdentityLength: number;
  readonly maxPayload: number;
  /** Time a connection has to complete its TLS and HTTP handshake (slowloris bound). */
  readonly handshakeTimeoutMs: number;
  /** Proxies whose X-Forwarded-For is believed for the client's address. */
  readonly trustedProxies: TrustedProxies | undefined;
  readonly tls: TlsOptions | undefined;
}

/** What the server decides with and reports to. */
export interface OcppServerServices {
  readonly gatekeeper: Gatekeeper;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
}

/** A charge point that completed the handshake with a supported subprotocol. */
export interface AcceptedConnection {
  readonly socket: WebSocket;
  readonly identity: string;
  /** How the negotiated protocol is served. */
  readonly handlers: ProtocolHandlers;
  /** The client's address (through trusted proxies), as rate-limited and logged. */
  readonly remoteAddress: string;
  /** The registry credential it was admitted with (to revoke it when the registry changes). */
  readonly credential: Credential;
}

/** The listening OCPP-J endpoints. */
export interface OcppServer {
  readonly port: number;
  readonly tlsPort: number | undefined;
  /** Refuses new handshakes (503) and stops listening; open sockets stay until they close. */
  stopAccepting(): void;
}

// Refusals that say "not now": answered after this delay (see their use).
const TARPITTED: ReadonlySet<string> = new Set(["rate-limited", "busy"]);
const TARPIT_MS = 1_000;

function refuse(socket: Duplex, status: number, message: string, retryAfterS?: number): void {
  const body = `${message}\n`;
  const challenge = status === 401 ? 'WWW-Authenticate: Basic realm="OCPP"\r\n' : "";
  const retry = retryAfterS === undefined ? "" : `Retry-After: ${retryAfterS}\r\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\n${challenge}${retry}Content-Type: text/plain\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

function certificateOf(socket: Duplex, secure: boolean): ConnectionFacts["certificate"] {
  if (!secure) return undefined;
  const tls = socket as TLSSocket;
  const peer = tls.getPeerCertificate();
  if (!peer || Object.keys(peer).length === 0) return undefined;
  const commonName = Array.isArray(peer.subject?.CN) ? peer.subject.CN[0] : peer.subject?.CN;
  return { trusted: tls.authorized, commonName };
}

/**
 * Node's handshake bounds: a connection that has not delivered complete request headers (or sent
 * nothing at all) within the timeout is answered 408 and closed. Node only looks every
 * `connectionsCheckingInterval` (30 s by default), so the check runs ten times per timeout.
 */
function handshakeBounds(timeoutMs: number) {
  return {
    headersTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    connectionsCheckingInterval: Math.max(10, Math.round(timeoutMs / 10)),
  };
}

/**
 * Answers what Node's HTTP parser refused before any upgrade, as Node would by default (408 for a
 * handshake past its time, 400 otherwise), but counted: slowloris shows up in the metrics.
 */
function onClientError(rejected: (reason: HandshakeRejection) => void) {
  return (error: Error & { code?: string }, socket: Duplex) => {
    if (error.code === "ECONNRESET" || error.code === "HPE_INVALID_EOF_STATE" || !socket.writable) {
      socket.destroy();
      return;
    }
    const timedOut = error.code === "ERR_HTTP_REQUEST_TIMEOUT";
    rejected(timedOut ? "handshake-timeout" : "bad-request");
    if (timedOut) refuse(socket, 408, "the handshake took too long");
    else refuse(socket, 400, "not an HTTP request");
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : port);
    });
  });
}

/**
 * The WebSocket front door, on plain TCP and (with a certificate) on TLS. Every check happens
 * before the upgrade, answered with an HTTP error and no socket: the identity in the URL, then
 * admission (registry, credentials, profile, rate limit). A handshake without a supported
 * subprotocol completes without one and is closed at once, as OCPP-J requires.
 */
export async function startOcppServer(
  options: OcppServerOptions,
  { gatekeeper, metrics, logger }: OcppServerServices,
  accept: (connection: AcceptedConnection) => void,
): Promise<OcppServer> {
  let accepting = true;
  const rejected = (reason: HandshakeRejection) => metrics.handshakesRejected.labels(reason).inc();
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    // Sessions answer pings themselves, under the same send-buffer bound as every other frame.
    autoPong: false,
    maxPayload: options.maxPayload,
    handleProtocols: (offered) => negotiateProtocol(offered)?.protocol.subprotocol ?? false,
  });
  const onUpgrade =
    (secure: boolean) => async (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on("error", () => socket.destroy());
      if (!accepting) {
        rejected("shutting-down");
        return refuse(socket, 503, "the gateway is shutting down");
      }
      const decision = identityFromUrl(request.url, options.maxIdentityLength);
      if (!decision.ok) {
        rejected(decision.reason);
        return refuse(socket, decision.status, decision.message);
      }
      const forwardedFor = request.headers["x-forwarded-for"];
      const address = clientAddress(
        request.socket.remoteAddress,
        Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor,
        options.trustedProxies,
      );
      const admission = await gatekeeper.admit({
        identity: decision.identity,
        authorization: request.headers.authorization,
        secure,
        certificate: certificateOf(socket, secure),
        address,
      });
      if (!admission.ok) {
        rejected(admission.reason);
        // An address already refused for its failures, or a check the gateway had no room for,
        // is not logged at each attempt: a flood would flood the log too.
        const quiet = admission.reason === "rate-limited" || admission.reason === "busy";
        logger[quiet ? "debug" : "warn"](
          { cpId: decision.identity, address, reason: admission.reason, status: admission.status },
          "handshake refused",
        );
        if (!TARPITTED.has(admission.reason))
          return refuse(socket, admission.status, admission.message, admission.retryAfterS);
        // Answered a second later: a client that retries at once (a guesser) would otherwise
        // make the gateway accept and refuse thousands of handshakes a second, at the expense
        // of the charge points it serves. The client holds its socket meanwhile either way.
        const timer = setTimeout(
          () => refuse(socket, admission.status, admission.message, admission.retryAfterS),
          TARPIT_MS,
        );
        socket.once("close", () => clearTimeout(timer));
        return;
      }
      if (socket.destroyed) return;
      wss.handleUpgrade(request, socket, head, (ws) => {
        const handlers = HANDLERS_BY_SUBPROTOCOL.get(ws.protocol);
        if (!handlers) {
          rejected("subprotocol");
          ws.close(1002, "no supported OCPP subprotocol offered");
          return;
        }
        accept({
          socket: ws,
          identity: decision.identity,
          handlers,
          remoteAddress: address,
          credential: admission.credential,
        });
      });
    };
  const notWebSocket = (_request: IncomingMessage, response: ServerResponse) => {
    response.writeHead(426, {
      Connection: "close",
      Upgrade: "websocket",
      "Content-Type": "text/plain",
    });
    response.end("OCPP-J endpoint: connect with a WebSocket to /ocpp/<identity>\n");
  };
  const servers: Server[] = [];
  const bounds = handshakeBounds(options.handshakeTimeoutMs);
  const plain = createServer(bounds, notWebSocket);
  plain.on("upgrade", onUpgrade(false));
  plain.on("clientError", onClientError(rejected));
  servers.push(plain);
  const port = await listen(plain, options.port, options.host);
  let tlsPort: number | undefined;
  if (options.tls) {
    const [cert, key, ca] = await Promise.all([
      readFile(options.tls.certFile),
      readFile(options.tls.keyFile),
      options.tls.caFile ? readFile(options.tls.caFile) : undefined,
    ]);
    // Client certificates are requested but checked in admission: a charge point registered for
    // profile 1 or 2 connects over TLS without one. The HTTP bounds start only once TLS is up, so
    // `handshakeTimeout` (120 s by default) bounds a connection that never completes TLS.
    const secure = createTlsServer(
      {
        ...bounds,
        handshakeTimeout: options.handshakeTimeoutMs,
        cert,
        key,
        ...(ca ? { ca, requestCert: true } : {}),
        rejectUnauthorized: false,
        minVersion: "TLSv1.2",
      },
      notWebSocket,
    );
    secure.on("upgrade", onUpgrade(true));
    secure.on("clientError", onClientError(rejected));
    // With a listener, Node leaves the failed socket to us.
    secure.on("tlsClientError", (error: Error & { code?: string }, socket: Duplex) => {
      rejected(error.code === "ERR_TLS_HANDSHAKE_TIMEOUT" ? "handshake-timeout" : "tls-failed");
      socket.destroy();
    });
    servers.push(secure);
    tlsPort = await listen(secure, options.tls.port, options.host);
  }
  return {
    port,
    tlsPort,
    stopAccepting: () => {
      accepting = false;
      for (const server of servers) {
        server.close();
        server.closeIdleConnections();
      }
    },
  };
}
