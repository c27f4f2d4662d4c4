import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { readEvents } from "@levity/events/testing";
import { HandshakeRefused, OcppClient } from "@levity/simulator";
import {
  createTestPki,
  eventually,
  type ProvidedNats,
  provideNats,
  type TestPki,
} from "@levity/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChargePointRegistry } from "../../src/admission/charge-point-registry.js";
import { hashPassword, SCRYPT_COST } from "../../src/admission/password-hash.js";
import { LiveRegistry, writeRegistryFile } from "../../src/admission/registry-file.js";
import { parseTrustedProxies } from "../../src/connection/client-address.js";
import { type GatewayUnderTest, newStreamSpace, startTestGateway } from "./gateway-fixture.js";

const KEY = "00112233445566778899aabbccddeeff00112233";
let nats: ProvidedNats;
let pki: TestPki;
let dir: string;
let file: string;
let live: LiveRegistry;
let g: GatewayUnderTest;
let logs = "";

/** A registry of one profile-1 charge point with the key KEY, for tests that need no other. */
async function registryOf(identity: string): Promise<ChargePointRegistry> {
  const passwordHash = await hashPassword(Buffer.from(KEY), SCRYPT_COST.generated);
  return new ChargePointRegistry([{ identity, securityProfile: 1, passwordHash }], []);
}

const basic = (user: string, password: string | Buffer) =>
  `Basic ${Buffer.concat([Buffer.from(`${user}:`), Buffer.from(password)]).toString("base64")}`;

beforeAll(async () => {
  nats = await provideNats();
  pki = await createTestPki();
  dir = await mkdtemp(join(tmpdir(), "levity-registry-"));
  file = join(dir, "charge-points.yaml");
  const hash = await hashPassword(Buffer.from(KEY), SCRYPT_COST.generated);
  await writeRegistryFile(
    file,
    new ChargePointRegistry(
      [
        { identity: "P1", securityProfile: 1, passwordHash: hash },
        { identity: "P2", securityProfile: 2, passwordHash: hash },
        { identity: "P3", securityProfile: 3 },
      ],
      ["GOOD-TAG"],
    ),
  );
  const opened = await LiveRegistry.open(file, () => {});
  if (!opened.ok) throw new Error(opened.error);
  live = opened.registry;
  const capture = new PassThrough();
  capture.on("data", (chunk: Buffer) => {
    logs += chunk.toString();
  });
  g = await startTestGateway(
    nats.url,
    newStreamSpace(),
    {
      admission: {
        chargePoints: () => live.current,
        allowUnknown: false,
        maxChargePoints: 10,
        maxAuthFailures: 1_000,
        maxCredentialChecks: 2,
        credentialCheckQueue: 128,
        trustedProxies: undefined,
        onRegistryChange: () => () => {},
      },
      tls: {
        port: 0,
        certFile: pki.serverCertFile,
        keyFile: pki.serverKeyFile,
        caFile: pki.caFile,
      },
    },
    capture,
  );
});
afterAll(async () => {
  await g?.stop();
  live?.stop();
  await pki?.dispose();
  await rm(dir, { recursive: true, force: true });
  await nats?.dispose();
});

const ca = () => ({ ca: readFileSync(pki.caFile) });

async function refusal(promise: Promise<OcppClient>): Promise<number> {
  try {
    const client = await promise;
    await client.close();
    return 101;
  } catch (error) {
    if (error instanceof HandshakeRefused) return error.status;
    throw error;
  }
}

describe("who gets in", () => {
  it("lets a registered profile-1 charge point in with Basic auth over ws, by hex text or raw key", async () => {
    for (const password of [KEY, Buffer.from(KEY, "hex")]) {
      const cp = await OcppClient.connect(g.url, "P1", {
        headers: { Authorization: basic("P1", password) },
      });
      expect(await cp.call("Heartbeat", {})).toMatchObject({ kind: "result" });
      await cp.close();
    }
  });

  it("admits 2.0.1 charging stations by the same registry, each profile as for 1.6", async () => {
    const protocols = ["ocpp2.0.1"];
    const headers = { Authorization: basic("P1", KEY) };
    const stations = [
      await OcppClient.connect(g.url, "P1", { headers, protocols }),
      await OcppClient.connect(g.tlsUrl ?? "", "P2", {
        headers: { Authorization: basic("P2", KEY) },
        tls: ca(),
        protocols,
      }),
      await OcppClient.connect(g.tlsUrl ?? "", "P3", {
        tls: { ...ca(), ...(await pki.client("P3")) },
        protocols,
      }),
    ];
    for (const station of stations) {
      expect(station.protocol).toBe("ocpp2.0.1");
      expect(await station.call("Heartbeat", {})).toMatchObject({ kind: "result" });
      await station.close();
    }
    expect(await refusal(OcppClient.connect(g.url, "P1", { protocols }))).toBe(401);
  });

  it("answers 404 to an unknown identity and 401 to missing or wrong credentials, before the upgrade", async () => {
    expect(
      await refusal(OcppClient.connect(g.url, "NOBODY", { headers: { "X-Forwarded-For": "1" } })),
    ).toBe(404);
    expect(await refusal(OcppClient.connect(g.url, "P1"))).toBe(401);
    expect(
      await refusal(
        OcppClient.connect(g.url, "P1", {
          headers: { Authorization: basic("P1", "wrong-password-1") },
        }),
      ),
    ).toBe(401);
    expect(
      await refusal(
        OcppClient.connect(g.url, "P1", { headers: { Authorization: basic("P2", KEY) } }),
      ),
    ).toBe(401);
  });

  it("refuses a profile-2 charge point on plain ws, and admits it over TLS", async () => {
    const headers = { Authorization: basic("P2", KEY) };
    expect(await refusal(OcppClient.connect(g.url, "P2", { headers }))).toBe(403);
    const cp = await OcppClient.connect(g.tlsUrl ?? "", "P2", { headers, tls: ca() });
    expect(await cp.call("Heartbeat", {})).toMatchObject({ kind: "result" });
    await cp.close();
  });

  it("admits profile 3 by a client certificate whose CN is the identity, and nothing else", async () => {
    const good = await pki.client("P3");
    const cp = await OcppClient.connect(g.tlsUrl ?? "", "P3", { tls: { ...ca(), ...good } });
    expect(await cp.call("Heartbeat", {})).toMatchObject({ kind: "result" });
    await cp.close();
    const wrongName = await pki.client("P1");
    expect(
      await refusal(OcppClient.connect(g.tlsUrl ?? "", "P3", { tls: { ...ca(), ...wrongName } })),
    ).toBe(403);
    const untrusted = await pki.untrusted("P3");
    expect(
      await refusal(OcppClient.connect(g.tlsUrl ?? "", "P3", { tls: { ...ca(), ...untrusted } })),
    ).toBe(403);
    expect(await refusal(OcppClient.connect(g.tlsUrl ?? "", "P3", { tls: ca() }))).toBe(403);
  });

  it("answers idTags outside the allow list Invalid", async () => {
    const cp = await OcppClient.connect(g.url, "P1", {
      headers: { Authorization: basic("P1", KEY) },
    });
    expect(await cp.call("Authorize", { idTag: "GOOD-TAG" })).toMatchObject({
      payload: { idTagInfo: { status: "Accepted" } },
    });
    expect(await cp.call("Authorize", { idTag: "STOLEN" })).toMatchObject({
      payload: { idTagInfo: { status: "Invalid" } },
    });
    await cp.close();
  });

  it("accepts an AuthorizationKey sent in capitals: hexBinary is case-insensitive", async () => {
    const cp = await OcppClient.connect(g.url, "P1", {
      headers: { Authorization: basic("P1", KEY.toUpperCase()) },
    });
    expect(await cp.call("Heartbeat", {})).toMatchObject({ kind: "result" });
    await cp.close();
  });

  it("follows registry edits live: a new charge point gets in, the others keep their sessions", async () => {
    const staying = await OcppClient.connect(g.url, "P1", {
      headers: { Authorization: basic("P1", KEY) },
    });
    expect(
      await refusal(
        OcppClient.connect(g.url, "LATE", { headers: { Authorization: basic("LATE", KEY) } }),
      ),
    ).toBe(404);
    const hash = await hashPassword(Buffer.from(KEY), SCRYPT_COST.generated);
    await writeRegistryFile(
      file,
      live.current.with({ identity: "LATE", securityProfile: 1, passwordHash: hash }),
    );
    await eventually(async () => {
      const late = await OcppClient.connect(g.url, "LATE", {
        headers: { Authorization: basic("LATE", KEY) },
      });
      await late.close();
    });
    expect(await staying.call("Heartbeat", {})).toMatchObject({ kind: "result" });
    await staying.close();
  });

  it("checks at most the limit's worth of 50 wrong keys sent at once from one address", async () => {
    const registry = await registryOf("GUESSED");
    const strict = await startTestGateway(nats.url, newStreamSpace(), {
      admission: {
        chargePoints: () => registry,
        allowUnknown: false,
        maxChargePoints: 10,
        maxAuthFailures: 5,
        maxCredentialChecks: 2,
        credentialCheckQueue: 128,
        trustedProxies: undefined,
        onRegistryChange: () => () => {},
      },
    });
    const guesses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        refusal(
          OcppClient.connect(strict.url, "GUESSED", {
            headers: { Authorization: basic("GUESSED", `${i}`.padStart(40, "0")) },
          }),
        ),
      ),
    );
    const count = (status: number) => guesses.filter((got) => got === status).length;
    expect({ 401: count(401), 429: count(429) }).toEqual({ 401: 5, 429: 45 });
    await strict.stop();
  });

  it("refuses an address that keeps failing with 429 for a while", async () => {
    const registry = await registryOf("LATE");
    const strict = await startTestGateway(nats.url, newStreamSpace(), {
      admission: {
        chargePoints: () => registry,
        allowUnknown: false,
        maxChargePoints: 10,
        maxAuthFailures: 3,
        maxCredentialChecks: 2,
        credentialCheckQueue: 128,
        trustedProxies: undefined,
        onRegistryChange: () => () => {},
      },
    });
    for (let i = 0; i < 3; i++)
      expect(await refusal(OcppClient.connect(strict.url, "LATE"))).toBe(401);
    const headers = { Authorization: basic("LATE", KEY) };
    expect(await refusal(OcppClient.connect(strict.url, "LATE", { headers }))).toBe(429);
    const rejected = await strict.registry.getSingleMetricAsString(
      "levity_gateway_handshakes_rejected_total",
    );
    expect(rejected).toContain('reason="rate-limited"} 1');
    await strict.stop();
  });

  it("behind a trusted proxy, limits the forwarded client's address, not the proxy's", async () => {
    const proxies = parseTrustedProxies("127.0.0.1,::1");
    if (!proxies.ok) throw new Error(proxies.error);
    const registry = await registryOf("LATE");
    const behindLb = await startTestGateway(nats.url, newStreamSpace(), {
      admission: {
        chargePoints: () => registry,
        allowUnknown: false,
        maxChargePoints: 10,
        maxAuthFailures: 3,
        maxCredentialChecks: 2,
        credentialCheckQueue: 128,
        trustedProxies: proxies.proxies,
        onRegistryChange: () => () => {},
      },
    });
    const from = (address: string, password: string) => ({
      headers: { Authorization: basic("LATE", password), "X-Forwarded-For": address },
    });
    for (let i = 0; i < 3; i++)
      expect(
        await refusal(OcppClient.connect(behindLb.url, "LATE", from("198.51.100.7", "nope"))),
      ).toBe(401);
    expect(await refusal(OcppClient.connect(behindLb.url, "LATE", from("198.51.100.7", KEY)))).toBe(
      429,
    );
    expect(await refusal(OcppClient.connect(behindLb.url, "LATE", from("198.51.100.8", KEY)))).toBe(
      101,
    );
    await eventually(async () => {
      const opened = (await readEvents(behindLb.log)).filter((e) => e.type === "session.opened");
      expect(opened.map((e) => e.type === "session.opened" && e.payload.remoteAddress)).toEqual([
        "198.51.100.8",
      ]);
    });
    await behindLb.stop();
  });

  it("counts refusals by reason and never logs a password", async () => {
    const rejected = await g.registry.getSingleMetricAsString(
      "levity_gateway_handshakes_rejected_total",
    );
    expect(rejected).toMatch(/reason="unknown-identity"} [1-9]/);
    expect(rejected).toMatch(/reason="bad-credentials"} [1-9]/);
    expect(rejected).toMatch(/reason="weaker-profile"} [1-9]/);
    expect(rejected).toMatch(/reason="certificate"} [1-9]/);
    expect(logs).toContain("session opened");
    expect(logs).toMatch(/"cpId":"NOBODY".*"reason":"unknown-identity".*"handshake refused"/);
    expect(logs).not.toContain(KEY);
    expect(logs).not.toContain(Buffer.from(`P1:${KEY}`).toString("base64"));
  });
});
