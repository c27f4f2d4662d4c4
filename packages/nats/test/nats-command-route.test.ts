import { commandRouteContract } from "@levity/commands/command-route-contract";
import { type ProvidedNats, provideNats, uniqueName } from "@levity/testkit";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll } from "vitest";
import { NatsCommandRoute } from "../src/index.js";

let nats: ProvidedNats;
let connections: NatsConnection[] = [];

beforeAll(async () => {
  nats = await provideNats();
});
afterAll(async () => {
  await nats?.dispose();
});

// Two routes on two connections, as two gateway processes hold them, over one bucket.
commandRouteContract("NATS", async () => {
  const subjectPrefix = uniqueName("r");
  const bucket = `${subjectPrefix.toUpperCase()}_OWNERS`;
  connections = [await connect({ servers: nats.url }), await connect({ servers: nats.url })];
  const [first, second] = connections as [NatsConnection, NatsConnection];
  const a = await NatsCommandRoute.open(first, { bucket, subjectPrefix });
  const b = await NatsCommandRoute.open(second, { bucket, subjectPrefix });
  return {
    a,
    b,
    dispose: async () => {
      await a.close();
      await b.close();
      for (const connection of connections) await connection.close();
    },
  };
});
