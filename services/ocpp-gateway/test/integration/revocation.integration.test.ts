import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { LevityEvent } from "@levity/events";
import { readEvents } from "@levity/events/testing";
import { HandshakeRefused, OcppClient } from "@levity/simulator";
import { eventually, type ProvidedNats, provideNats, spawnProcess } from "@levity/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChargePointRegistry } from "../../src/admission/charge-point-registry.js";
import { hashPassword, SCRYPT_COST } from "../../src/admission/password-hash.js";
import { LiveRegistry, writeRegistryFile } from "../../src/admission/registry-file.js";
import { type GatewayUnderTest, newStreamSpace, startTestGateway } from "./gateway-fixture.js";

const ADMIN = fileURLToPath(new URL("../../dist/admin.js", import.meta.url));
const KEY = "00112233445566778899aabbccddeeff00112233";
const IDENTITIES = ["REV-1A", "REV-1B", "REV-2A", "REV-2B", "STAYS-A", "STAYS-B"];

let nats: ProvidedNats;
let dir: string;
let file: string;
/** Two gateways, each following the same registry file on its own, as two processes would. */
const gateways: { gateway: GatewayUnderTest; live: LiveRegistry }[] = [];

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

async function admin(args: string[]): Promise<void> {
  const child = spawnProcess(process.execPath, [ADMIN, ...args, "--file", file]);
  const status = await child.exited;
  if (status.code !== 0) throw new Error(`levity-admin ${args.join(" ")}: ${child.output}`);
}

/** Connects `<prefix>A` to the first gateway and `<prefix>B` to the second. */
async function connectEverywhere(prefix: string, key = KEY): Promise<OcppClient[]> {
  return Promise.all(
    gateways.map(({ gateway }, index) => {
      const identity = `${prefix}${"AB"[index]}`;
      return OcppClient.connect(gateway.url, identity, {
        headers: { Authorization: basic(identity, key) },
      });
    }),
  );
}

function firstGateway(): GatewayUnderTest {
  const first = gateways[0];
  if (!first) throw new Error("no gateway started");
  return first.gateway;
}

const revokedCloses = (events: readonly LevityEvent[], cpId: string) =>
  events.filter(
    (e) => e.type === "session.closed" && e.cpId === cpId && e.payload.reason === "revoked",
  );

beforeAll(async () => {
  nats = await provideNats();
  dir = await mkdtemp(join(tmpdir(), "levity-revocation-"));
  file = join(dir, "charge-points.yaml");
  const passwordHash = await hashPassword(Buffer.from(KEY), SCRYPT_COST.generated);
  await writeRegistryFile(
    file,
    new ChargePointRegistry(
      IDENTITIES.map((identity) => ({ identity, securityProfile: 1, passwordHash })),
    ),
  );
  const space = newStreamSpace();
  for (const id of ["gw-a", "gw-b"]) {
    const opened = await LiveRegistry.open(file, () => {});
    if (!opened.ok) throw new Error(opened.error);
    const live = opened.registry;
    const gateway = await startTestGateway(nats.url, space, {
      gatewayId: id,
      admission: {
        chargePoints: () => live.current,
        allowUnknown: false,
        maxChargePoints: 10,
        maxAuthFailures: 100,
        maxCredentialChecks: 2,
        credentialCheckQueue: 128,
        trustedProxies: undefined,
        onRegistryChange: (listener) => live.onChange(listener),
      },
    });
    gateways.push({ gateway, live });
  }
});
afterAll(async () => {
  for (const { gateway, live } of gateways) {
    await gateway.stop();
    live.stop();
  }
  await rm(dir, { recursive: true, force: true });
  await nats?.dispose();
});

describe("a registry change reaches open sessions", () => {
  it("closes removed charge points' sessions on every gateway, recorded as revoked", async () => {
    const removed = await connectEverywhere("REV-1");
    const staying = await connectEverywhere("STAYS-");
    await admin(["cp", "remove", "REV-1A"]);
    await admin(["cp", "remove", "REV-1B"]);
    for (const client of removed) expect((await client.closed).code).toBe(1008);
    for (const client of staying)
      expect(await client.call("Heartbeat", {})).toMatchObject({ kind: "result" });
    const again = OcppClient.connect(firstGateway().url, "REV-1A", {
      headers: { Authorization: basic("REV-1A", KEY) },
    });
    await expect(again).rejects.toBeInstanceOf(HandshakeRefused);
    await eventually(async () => {
      const events = await readEvents(firstGateway().log);
      expect(revokedCloses(events, "REV-1A")).toHaveLength(1);
      expect(revokedCloses(events, "REV-1B")).toHaveLength(1);
    });
    const events = await readEvents(firstGateway().log);
    expect([...revokedCloses(events, "STAYS-A"), ...revokedCloses(events, "STAYS-B")]).toEqual([]);
    for (const client of staying) await client.close();
  });

  it("closes the sessions of a charge point whose password changed; the new key gets in", async () => {
    const before = await connectEverywhere("REV-2");
    for (const identity of ["REV-2A", "REV-2B"])
      await admin(["cp", "set-password", identity, "--password", "a new chosen password"]);
    for (const client of before) expect((await client.closed).code).toBe(1008);
    const after = await connectEverywhere("REV-2", "a new chosen password");
    for (const client of after) {
      expect(await client.call("Heartbeat", {})).toMatchObject({ kind: "result" });
      await client.close();
    }
  });
});
