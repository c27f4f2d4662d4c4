import { findNatsServerBinary, NatsServerProcess } from "./nats-server-process.js";

/** A NATS server with JetStream for one test suite. */
export interface ProvidedNats {
  readonly url: string;
  /** How it was provided: an external `NATS_URL`, a spawned process, or a container. */
  readonly source: "env" | "process" | "container";
  /** Releases what was started for the suite (nothing for `env`). */
  dispose(): Promise<void>;
}

const HOW_TO_INSTALL =
  "no NATS server for the tests: install nats-server (apt-get install -y nats-server, or a release " +
  "from https://github.com/nats-io/nats-server/releases), run Docker, or set NATS_URL";

/**
 * Provides NATS to a suite: `NATS_URL` if set; else a `nats-server -js` spawned on a free port
 * with a temporary store; else a testcontainers NATS. Each suite gets its own server (or, with
 * `NATS_URL`, must isolate itself by unique stream and subject names).
 */
export async function provideNats(): Promise<ProvidedNats> {
  const fromEnv = process.env.NATS_URL;
  if (fromEnv) return { url: fromEnv, source: "env", dispose: async () => {} };
  if (findNatsServerBinary()) {
    const server = await NatsServerProcess.start();
    return { url: server.url, source: "process", dispose: () => server.dispose() };
  }
  return startContainer();
}

async function startContainer(): Promise<ProvidedNats> {
  try {
    const { NatsContainer } = await import("@testcontainers/nats");
    const container = await new NatsContainer("nats:2.11-alpine").withJetStream().start();
    const url = `nats://${container.getHost()}:${container.getMappedPort(4222)}`;
    return {
      url,
      source: "container",
      dispose: async () => {
        await container.stop();
      },
    };
  } catch (error) {
    throw new Error(
      `${HOW_TO_INSTALL} (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}
