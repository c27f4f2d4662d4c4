import { connect, type NatsConnection } from "@nats-io/transport-node";
import type { Logger } from "pino";

/** A NATS connection and whether it is currently connected. */
export interface NatsLink {
  readonly connection: NatsConnection;
  /** False while the client is disconnected and reconnecting. */
  connected(): boolean;
  /** Calls `listener` each time the connection is lost; returns how to stop. */
  onDisconnect(listener: () => void): () => void;
}

/**
 * Connects to NATS, retrying until the first connection succeeds and reconnecting forever after,
 * and logs every change of connection state.
 */
export async function connectNats(
  servers: string,
  name: string,
  logger: Logger,
): Promise<NatsLink> {
  const connection = await connect({
    servers: servers.split(",").map((server) => server.trim()),
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    waitOnFirstConnect: true,
  });
  let connected = true;
  const disconnectListeners = new Set<() => void>();
  logger.info({ server: connection.getServer() }, "connected to NATS");
  void (async () => {
    for await (const status of connection.status()) {
      if (status.type === "disconnect") {
        connected = false;
        logger.warn({ server: status.server }, "disconnected from NATS");
        for (const listener of disconnectListeners) listener();
      } else if (status.type === "reconnect") {
        connected = true;
        logger.info({ server: status.server }, "reconnected to NATS");
      }
    }
  })();
  return {
    connection,
    connected: () => connected,
    onDisconnect: (listener) => {
      disconnectListeners.add(listener);
      return () => disconnectListeners.delete(listener);
    },
  };
}
