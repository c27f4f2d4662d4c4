import type { WebSocket } from "ws";
import type { ChargePointSession } from "./charge-point-session.js";

// ws fails a connection with these error codes and the matching close codes (RFC 6455, 7.4.1).
const CLOSE_CODE_BY_WS_ERROR: Readonly<Record<string, number>> = {
  WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: 1009,
  WS_ERR_INVALID_UTF8: 1007,
};

function closeCodeOf(error: Error & { code?: string }): number {
  return CLOSE_CODE_BY_WS_ERROR[error.code ?? ""] ?? 1002;
}

/**
 * Wires a `ws` socket's events to its session, one named listener each (as `ws` wires its
 * receiver): a text message is a frame, a binary one breaks OCPP-J, a ping is answered by the
 * session under its send bound, any pong proves the peer alive.
 */
export function attachSocket(socket: WebSocket, session: ChargePointSession): void {
  socket.on("message", function socketOnMessage(data, isBinary) {
    if (isBinary) session.close("protocol-violation", 1003);
    else session.receive(data.toString());
  });
  socket.on("ping", function socketOnPing(data) {
    session.pinged(data);
  });
  socket.on("pong", function socketOnPong() {
    session.alive = true;
  });
  socket.on("error", function socketOnError(error) {
    session.markProtocolError(closeCodeOf(error));
  });
  socket.on("close", function socketOnClose(code) {
    session.socketClosed(code);
  });
}
