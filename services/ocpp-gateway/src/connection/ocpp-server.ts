import { createServer, type IncomingMessage, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { selectProtocol } from "@levity/ocpp";
import { type WebSocket, WebSocketServer } from "ws";
import type { GatewayMetrics, HandshakeRejection } from "../metrics/gateway-metrics.js";
import { identityFromUrl } from "./handshake.js";

/** Where and how the gateway accepts charge points. */
export interface OcppServerOptions {
  readonly port: number;
  readonly host: string;
  readonly maxIdentityLength: number;
  readonly maxPayload: number;
}

/** A charge point that completed the handshake with a supported subprotocol. */
export interface AcceptedConnection {
  readonly socket: WebSocket;
  readonly identity: string;
  readonly subprotocol: string;
  readonly remoteAddress: string | undefined;
}

/** The listening OCPP-J endpoint. */
export interface OcppServer {
  readonly port: number;
  /** Refuses new handshakes (503) and stops listening; open sockets stay until they close. */
  stopAccepting(): void;
}

function refuse(socket: Duplex, status: number, message: string): void {
  const body = `${message}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/**
 * The WebSocket front door: identity checks happen before the upgrade (an HTTP error, no socket);
 * a handshake without a supported subprotocol completes without one and is closed at once, as
 * OCPP-J requires.
 */
export async function startOcppServer(
  options: OcppServerOptions,
  metrics: GatewayMetrics,
  accept: (connection: AcceptedConnection) => void,
): Promise<OcppServer> {
  let accepting = true;
  const rejected = (reason: HandshakeRejection) => metrics.handshakesRejected.labels(reason).inc();
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: options.maxPayload,
    handleProtocols: (offered) => selectProtocol(offered)?.subprotocol ?? false,
  });
  const server = createServer((_request, response) => {
    response.writeHead(426, {
      Connection: "close",
      Upgrade: "websocket",
      "Content-Type": "text/plain",
    });
    response.end("OCPP-J endpoint: connect with a WebSocket to /ocpp/<identity>\n");
  });
  server.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
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
    wss.handleUpgrade(request, socket, head, (ws) => {
      if (ws.protocol === "") {
        rejected("subprotocol");
        ws.close(1002, "no supported OCPP subprotocol offered");
        return;
      }
      accept({
        socket: ws,
        identity: decision.identity,
        subprotocol: ws.protocol,
        remoteAddress: request.socket.remoteAddress,
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  return {
    port: typeof address === "object" && address ? address.port : options.port,
    stopAccepting: () => {
      accepting = false;
      server.close();
      server.closeIdleConnections();
    },
  };
}
