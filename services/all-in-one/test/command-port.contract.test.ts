import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApiTokens, apiFromConfig, newApiToken, serializeApiTokens } from "@levity/api-kit";
import {
  AUTOMATIONS_ASKER,
  httpCommandPort,
  inProcessCommandPort,
} from "@levity/metrics-projector";
import { admissionFromConfig, commandRoutes, startGateway } from "@levity/ocpp-gateway";
import { createLogger, parseCommandLine } from "@levity/service-kit";
import { OcppClient } from "@levity/simulator";
import { eventually, freePort } from "@levity/testkit";
import { Registry } from "prom-client";
import { expect } from "vitest";
import { allInOneOptions } from "../src/all-in-one-options.js";
import { openEmbeddedStorage } from "../src/embedded-storage.js";
import {
  type CommandPortFixture,
  type ConnectedChargePoint,
  commandPortContract,
  type ReceivedCall,
} from "./command-port-contract.js";

// The all-in-one's gateway, started in this process as main.ts starts it (embedded log, open
// mode), with its command API when asked; charge points are real OCPP 1.6 WebSocket clients.

const logger = createLogger({ service: "levity", level: "silent" });

/** What an adapter is built on: the gateway, maybe its API, and what to close afterwards. */
interface Levity {
  readonly gateway: Awaited<ReturnType<typeof startGateway>>;
  /** The command API's base URL and the automations' token, when served. */
  readonly api: { readonly url: string; readonly token: string } | undefined;
  readonly fixture: (
    port: CommandPortFixture["port"],
    unreachable: CommandPortFixture["unreachable"],
  ) => CommandPortFixture;
}

async function startLevity(options: { readonly api: boolean }): Promise<Levity> {
  const dataDir = await mkdtemp(join(tmpdir(), "levity-command-port-"));
  const parsed = parseCommandLine(
    allInOneOptions,
    ["--data-dir", dataDir, "--allow-unknown", "--host", "127.0.0.1", "--port", "0"],
    {},
  );
  if (!parsed.ok || parsed.value.kind !== "run")
    throw new Error(`bad options: ${parsed.ok ? "help" : parsed.error}`);
  const config = parsed.value.values;
  const admission = await admissionFromConfig(config, logger);
  if (!admission.ok) throw new Error(admission.error);
  const storage = await openEmbeddedStorage(dataDir, logger);
  const gateway = await startGateway(
    { ...config, admission: admission.admission, tls: admission.tls },
    { ...storage, available: storage.connected, metricsRegistry: new Registry(), logger },
  );

  let api: Levity["api"];
  let stopApi = async () => {};
  if (options.api) {
    // A real tokens file, as levity-admin writes it, with the token automations ask with.
    const { token, record } = newApiToken(AUTOMATIONS_ASKER, new Date());
    const apiTokens = join(dataDir, "api-tokens.yaml");
    await writeFile(apiTokens, serializeApiTokens(new ApiTokens([record])));
    const started = await apiFromConfig(
      { ...config, apiTokens, apiHost: "127.0.0.1", apiPort: await freePort() },
      [
        commandRoutes({
          commands: gateway.commands,
          knownChargePoint: admission.knownChargePoint,
          commandTimeoutS: config.commandTimeout,
          now: Date.now,
        }),
      ],
      logger,
    );
    if (!started.ok) throw new Error(started.error);
    api = { url: `http://127.0.0.1:${started.api.port}`, token };
    stopApi = () => started.api.stop();
  }

  const clients: OcppClient[] = [];
  const connect = async (cpId: string): Promise<ConnectedChargePoint> => {
    const client = await OcppClient.connect(`ws://127.0.0.1:${gateway.port}/ocpp`, cpId);
    clients.push(client);
    const calls: ReceivedCall[] = [];
    client.onCall((action, payload, messageId) => {
      calls.push({ messageId, action, payload });
      return action === "Reset"
        ? { kind: "result", payload: { status: "Accepted" } }
        : { kind: "error", code: "NotImplemented", description: `${action} is not answered here` };
    });
    // Commands reach it once its session holds it.
    await eventually(async () => expect(await storage.route.ownerOf(cpId)).toBeDefined());
    return { calls };
  };
  const teardown = async () => {
    await Promise.all(clients.map((client) => client.close().catch(() => {})));
    await stopApi();
    await gateway.stop(2_000);
    admission.stop();
    await storage.close();
    await rm(dataDir, { recursive: true, force: true });
  };
  return {
    gateway,
    api,
    fixture: (port, unreachable) => ({
      port,
      connect,
      unreachable,
      outcome: async (commandId) => {
        const outcome = (await gateway.commands.status(commandId))?.outcome;
        if (!outcome) return undefined;
        return outcome.outcome === "completed" ? "completed" : outcome.reason;
      },
      teardown,
    }),
  };
}

commandPortContract("in-process", async () => {
  const levity = await startLevity({ api: false });
  return levity.fixture(
    inProcessCommandPort(() => levity.gateway.commands, Date.now),
    // The gateway is not started (yet): there is no command service to hand over to.
    () => inProcessCommandPort(() => undefined, Date.now),
  );
});

commandPortContract("http", async () => {
  const levity = await startLevity({ api: true });
  const api = levity.api;
  if (!api) throw new Error("the command API is not served");
  const nowhere = `http://127.0.0.1:${await freePort()}`;
  return levity.fixture(httpCommandPort({ url: api.url, token: () => api.token }), () =>
    httpCommandPort({ url: nowhere, token: () => api.token }),
  );
});
