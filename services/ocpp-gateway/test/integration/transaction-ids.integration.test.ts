import { OcppClient } from "@levity/simulator";
import { type ProvidedNats, provideNats } from "@levity/testkit";
import { connect } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KvTransactionIdBlocks } from "../../src/transactions/kv-transaction-id-blocks.js";
import { MAX_TRANSACTION_ID } from "../../src/transactions/transaction-ids.js";
import { newStreamSpace, startTestGateway } from "./gateway-fixture.js";

let nats: ProvidedNats;
beforeAll(async () => {
  nats = await provideNats();
});
afterAll(async () => {
  await nats?.dispose();
});

describe("transaction ids across gateways", () => {
  it("never hands out the same id from two gateways starting transactions at once", async () => {
    const space = newStreamSpace();
    const gateways = await Promise.all([
      startTestGateway(nats.url, space, { gatewayId: "gw-a" }),
      startTestGateway(nats.url, space, { gatewayId: "gw-b" }),
    ]);
    const clients = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        OcppClient.connect((gateways[i % 2] ?? gateways[0]).url, `CP-${i}`),
      ),
    );
    const ids: number[] = [];
    await Promise.all(
      clients.map(async (client) => {
        for (let n = 0; n < 15; n++) {
          const frame = await client.call("StartTransaction", {
            connectorId: 1,
            idTag: "TAG",
            meterStart: 0,
            timestamp: new Date().toISOString(),
          });
          if (frame.kind !== "result")
            throw new Error(`StartTransaction failed: ${JSON.stringify(frame)}`);
          ids.push((frame.payload as { transactionId: number }).transactionId);
        }
      }),
    );
    expect(ids).toHaveLength(300);
    expect(new Set(ids).size).toBe(300);
    expect(ids.every((id) => Number.isInteger(id) && id >= 1 && id <= MAX_TRANSACTION_ID)).toBe(
      true,
    );
    await Promise.all(clients.map((client) => client.close()));
    await Promise.all(gateways.map((g) => g.stop()));
  });

  it("keeps counting after a restart instead of starting over", async () => {
    const space = newStreamSpace();
    const connection = await connect({ servers: nats.url });
    const before = await KvTransactionIdBlocks.open(connection, space.bucket);
    const first = await before.reserve(100);
    const after = await KvTransactionIdBlocks.open(connection, space.bucket);
    expect(await after.reserve(100)).toBe(first + 100);
    await connection.close();
  });
});
