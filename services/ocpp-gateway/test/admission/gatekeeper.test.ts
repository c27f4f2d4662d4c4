import { describe, expect, it } from "vitest";
import {
  authorizationKeyForms,
  parseBasicAuthorization,
} from "../../src/admission/basic-credentials.js";
import { ChargePointRegistry } from "../../src/admission/charge-point-registry.js";
import { FailureLimiter } from "../../src/admission/failure-limiter.js";
import { type ConnectionFacts, Gatekeeper } from "../../src/admission/gatekeeper.js";
import { hashPassword, SCRYPT_COST, verifyPassword } from "../../src/admission/password-hash.js";

const KEY = "0123456789abcdef0123456789abcdef01234567";
const basic = (user: string, password: Buffer | string) =>
  `Basic ${Buffer.concat([Buffer.from(`${user}:`), Buffer.from(password)]).toString("base64")}`;

async function registry() {
  const hash = await hashPassword(Buffer.from(KEY), SCRYPT_COST.generated);
  return new ChargePointRegistry([
    { identity: "CP-1", securityProfile: 1, passwordHash: hash },
    { identity: "CP-2", securityProfile: 2, passwordHash: hash },
    { identity: "CP-3", securityProfile: 3 },
  ]);
}

function facts(overrides: Partial<ConnectionFacts>): ConnectionFacts {
  return {
    identity: "CP-1",
    authorization: undefined,
    secure: false,
    certificate: undefined,
    address: "10.0.0.1",
    ...overrides,
  };
}

async function gatekeeper(
  options: { allowUnknown?: boolean; maxUnknown?: number; maxFailures?: number } = {},
) {
  let now = 0;
  const current = await registry();
  const keeper = new Gatekeeper(
    () => current,
    { allowUnknown: options.allowUnknown ?? false, maxUnknown: options.maxUnknown ?? 10 },
    new FailureLimiter({
      maxFailures: options.maxFailures ?? 100,
      windowMs: 60_000,
      blockMs: 60_000,
    }),
    () => now,
  );
  return { keeper, advance: (ms: number) => (now += ms) };
}

describe("gatekeeper", () => {
  it("admits a profile-1 charge point with its key, as hex text or as the raw bytes", async () => {
    const { keeper } = await gatekeeper();
    expect(await keeper.admit(facts({ authorization: basic("CP-1", KEY) }))).toEqual({
      ok: true,
      profile: 1,
    });
    expect(
      await keeper.admit(facts({ authorization: basic("CP-1", Buffer.from(KEY, "hex")) })),
    ).toEqual({ ok: true, profile: 1 });
  });

  it.each([
    ["an unknown identity", { identity: "CP-9" }, 404, "unknown-identity"],
    ["no credentials", {}, 401, "missing-credentials"],
    ["a malformed header", { authorization: "Basic !!!" }, 401, "missing-credentials"],
    ["another username", { authorization: basic("CP-2", KEY) }, 401, "bad-credentials"],
    [
      "a wrong key",
      { authorization: basic("CP-1", "wrong-key-wrong-key") },
      401,
      "bad-credentials",
    ],
    [
      "profile 2 without TLS",
      { identity: "CP-2", authorization: basic("CP-2", KEY) },
      403,
      "weaker-profile",
    ],
    ["profile 3 without TLS", { identity: "CP-3" }, 403, "weaker-profile"],
    ["profile 3 without a certificate", { identity: "CP-3", secure: true }, 403, "certificate"],
    [
      "profile 3 with an untrusted certificate",
      { identity: "CP-3", secure: true, certificate: { trusted: false, commonName: "CP-3" } },
      403,
      "certificate",
    ],
    [
      "profile 3 with another CN",
      { identity: "CP-3", secure: true, certificate: { trusted: true, commonName: "CP-1" } },
      403,
      "certificate",
    ],
  ])("refuses %s", async (_name, overrides, status, reason) => {
    const { keeper } = await gatekeeper();
    expect(await keeper.admit(facts(overrides as Partial<ConnectionFacts>))).toMatchObject({
      ok: false,
      status,
      reason,
    });
  });

  it("admits profile 2 over TLS with its key, and profile 3 with a trusted certificate for its identity", async () => {
    const { keeper } = await gatekeeper();
    expect(
      await keeper.admit(
        facts({ identity: "CP-2", secure: true, authorization: basic("CP-2", KEY) }),
      ),
    ).toEqual({ ok: true, profile: 2 });
    expect(
      await keeper.admit(
        facts({
          identity: "CP-3",
          secure: true,
          certificate: { trusted: true, commonName: "CP-3" },
        }),
      ),
    ).toEqual({ ok: true, profile: 3 });
  });

  it("refuses an address that keeps failing for a while, then lets it try again", async () => {
    const { keeper, advance } = await gatekeeper({ maxFailures: 3 });
    for (let i = 0; i < 3; i++) await keeper.admit(facts({ identity: "NOPE" }));
    expect(await keeper.admit(facts({ authorization: basic("CP-1", KEY) }))).toMatchObject({
      status: 429,
      reason: "rate-limited",
    });
    expect(
      await keeper.admit(facts({ address: "10.0.0.2", authorization: basic("CP-1", KEY) })),
    ).toEqual({ ok: true, profile: 1 });
    advance(61_000);
    expect(await keeper.admit(facts({ authorization: basic("CP-1", KEY) }))).toEqual({
      ok: true,
      profile: 1,
    });
  });

  it("admits unregistered charge points only in open mode, and only up to its bound", async () => {
    const { keeper } = await gatekeeper({ allowUnknown: true, maxUnknown: 2 });
    expect(await keeper.admit(facts({ identity: "LAB-1" }))).toEqual({ ok: true, profile: 0 });
    expect(await keeper.admit(facts({ identity: "LAB-2" }))).toEqual({ ok: true, profile: 0 });
    expect(await keeper.admit(facts({ identity: "LAB-1" }))).toEqual({ ok: true, profile: 0 });
    expect(await keeper.admit(facts({ identity: "LAB-3" }))).toMatchObject({
      status: 503,
      reason: "capacity",
    });
    expect(await keeper.admit(facts({ identity: "CP-1" }))).toMatchObject({ status: 401 });
  });

  it("stops accepting a key once the registry changes it", async () => {
    let current = await registry();
    const keeper = new Gatekeeper(
      () => current,
      { allowUnknown: false, maxUnknown: 0 },
      new FailureLimiter({ maxFailures: 100, windowMs: 1, blockMs: 1 }),
      () => 0,
    );
    expect((await keeper.admit(facts({ authorization: basic("CP-1", KEY) }))).ok).toBe(true);
    current = current.with({
      identity: "CP-1",
      securityProfile: 1,
      passwordHash: await hashPassword(Buffer.from("a-new-key-1234"), SCRYPT_COST.generated),
    });
    expect((await keeper.admit(facts({ authorization: basic("CP-1", KEY) }))).ok).toBe(false);
    expect((await keeper.admit(facts({ authorization: basic("CP-1", "a-new-key-1234") }))).ok).toBe(
      true,
    );
  });
});

describe("credentials", () => {
  it("reads Basic credentials with a colon in the password, and refuses malformed ones", () => {
    expect(parseBasicAuthorization(basic("CP-1", "pa:ss"))).toEqual({
      username: "CP-1",
      password: Buffer.from("pa:ss"),
    });
    expect(parseBasicAuthorization("Bearer x")).toBeUndefined();
    expect(
      parseBasicAuthorization(`Basic ${Buffer.from("nocolon").toString("base64")}`),
    ).toBeUndefined();
    expect(parseBasicAuthorization(undefined)).toBeUndefined();
  });

  it("tries a key as sent and as the hex text of its bytes", () => {
    const raw = Buffer.from([0xab, 0x01]);
    expect(authorizationKeyForms(raw)).toEqual([raw, Buffer.from("ab01")]);
    const text = Buffer.from("ab01");
    expect(authorizationKeyForms(text)).toEqual([text, Buffer.from("61623031")]);
  });

  it("hashes with a salt and verifies in constant time", async () => {
    const one = await hashPassword(Buffer.from("correct horse"), SCRYPT_COST.generated);
    const two = await hashPassword(Buffer.from("correct horse"), SCRYPT_COST.generated);
    expect(one).not.toBe(two);
    expect(one).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await verifyPassword(Buffer.from("correct horse"), one)).toBe(true);
    expect(await verifyPassword(Buffer.from("correct horsf"), one)).toBe(false);
    expect(await verifyPassword(Buffer.from("x"), "md5$abc")).toBe(false);
  });
});
