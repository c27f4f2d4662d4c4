import { connect, type NatsConnection } from "@nats-io/transport-node";

/** One connection for a command-line tool: fails at once when no server answers, never retries. */
export function connectOnce(servers: string, name: string): Promise<NatsConnection> {
  return connect({
    servers: servers.split(",").map((server) => server.trim()),
    name,
    maxReconnectAttempts: 0,
  });
}
