import { describe, expect, it } from "vitest";
import {
  authorizationKeyForms,
  parseBasicAuthorization,
} from "../../src/admission/basic-credentials.js";
import { ChargePointRegistry } from "../../src/admission/charge-point-registry.js";
import { CheckSlots } from "../../src/admission/check-slots.js";
import { FailureLimiter } from "../../src/admission/failure-limiter.js";
import {
  type Admission,
  type ConnectionFacts,
  Gatekeeper,
} from "../../src/admission/gatekeeper.js";
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
  options: {
    allowUnknown?: boolean;
    maxUnknown?: number;
    maxFailures?: number;
    slots?: CheckSlots;
  } = {},
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
      maxWaiting: 1_000,
    }),
    options.slots ?? new CheckSlots(4, 1_000),
    () => now,
  );
  return { keeper, advance: (ms: number) => (now += ms) };
}

const statuses = (admissions: readonly Admission[]) =>
  admissions.map((a) => (a.ok ? 101 : a.status)).sort();

describe("gatekeeper", () => {
  it("admits a profile-1 charge point with its key, as hex text or as the raw bytes", async () => {
    const { keeper } = await gatekeeper();
    expect(await keeper.admit(facts({ authorization: basic("CP-1", KEY) }))).toMatchObject({
      ok: true,
      profile: 1,
    });
    expect(
      await keeper.admit(facts({ authorization: basic("CP-1", Buffer.from(KEY, "hex")) })),
    ).toMatchObject({ ok: true, profile: 1 });
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
    ).toMatchObject({ ok: true, profile: 2 });
    expect(
      await keeper.admit(
        facts({
          identity: "CP-3",
          secure: true,
          certificate: { trusted: true, commonName: "CP-3" },
        }),
      ),
    ).toMatchObject({ ok: true, profile: 3 });
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
    ).toMatchObject({ ok: true, profile: 1 });
    advance(61_000);
    expect(await keeper.admit(facts({ authorization: basic("CP-1", KEY) }))).toMatchObject({
      ok: true,
      profile: 1,
    });
  });

  it("admits unregistered charge points only in open mode, and only up to its bound", async () => {
    const { keeper } = await gatekeeper({ allowUnknown: true, maxUnknown: 2 });
    expect(await keeper.admit(facts({ identity: "LAB-1" }))).toMatchObject({
      ok: true,
      profile: 0,
    });
    expect(await keeper.admit(facts({ identity: "LAB-2" }))).toMatchObject({
      ok: true,
      profile: 0,
    });
    expect(await keeper.admit(facts({ identity: "LAB-1" }))).toMatchObject({
      ok: true,
      profile: 0,
    });
    expect(await keeper.admit(facts({ identity: "LAB-3" }))).toMatchObject({
      status: 503,
      reason: "capacity",
    });
    expect(await keeper.admit(facts({ identity: "CP-1" }))).toMatchObject({ status: 401 });
  });

  it("counts guesses in flight: of 20 wrong keys sent at once, only the limit's worth are checked", async () => {
    const { keeper } = await gatekeeper({ maxFailures: 5 });
    const guesses = Array.from({ length: 20 }, (_, i) =>
      keeper.admit(facts({ authorization: basic("CP-1", `wrong-guess-${i}`) })),
    );
    expect(statuses(await Promise.all(guesses))).toEqual([
      ...Array<number>(5).fill(401),
      ...Array<number>(15).fill(429),
    ]);
    // The address is now blocked, even for the right key.
    expect(await keeper.admit(facts({ authorization: basic("CP-1", KEY) }))).toMatchObject({
      status: 429,
    });
  });

  it("lets a fleet behind one address in, the limit's worth of first logins at a time", async () => {
    const { keeper } = await gatekeeper({ maxFailures: 3 });
    // 20 charge points' first logins at once: each success gives its place to the next.
    const logins = Array.from({ length: 20 }, () =>
      keeper.admit(facts({ authorization: basic("CP-1", KEY) })),
    );
    expect(statuses(await Promise.all(logins))).toEqual(Array<number>(20).fill(101));
  });

  it("answers 503 with Retry-After when no credential check can start, without counting it as a failure", async () => {
    const { keeper } = await gatekeeper({ maxFailures: 1, slots: new CheckSlots(1, 0) });
    const [first, second] = await Promise.all([
      keeper.admit(facts({ authorization: basic("CP-1", KEY), address: "10.0.0.1" })),
      keeper.admit(facts({ authorization: basic("CP-1", KEY), address: "10.0.0.2" })),
    ]);
    expect(first).toMatchObject({ ok: true });
    expect(second).toMatchObject({ ok: false, status: 503, reason: "busy", retryAfterS: 1 });
    // Not a failure: the address (limit 1) may try again at once.
    expect(
      await keeper.admit(facts({ authorization: basic("CP-1", KEY), address: "10.0.0.2" })),
    ).toMatchObject({ ok: true });
  });

  it("accepts a hex key in capitals: hexBinary is case-insensitive", async () => {
    const { keeper } = await gatekeeper();
    expect(
      await keeper.admit(facts({ authorization: basic("CP-1", KEY.toUpperCase()) })),
    ).toMatchObject({ ok: true, profile: 1 });
  });

  it("stops accepting a key once the registry changes it", async () => {
    let current = await registry();
    const keeper = new Gatekeeper(
      () => current,
      { allowUnknown: false, maxUnknown: 0 },
      new FailureLimiter({ maxFailures: 100, windowMs: 1, blockMs: 1, maxWaiting: 1_000 }),
      new CheckSlots(4, 1_000),
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

  it("tries a raw key as sent and as the hex text of its bytes, never case-folded", () => {
    const raw = Buffer.from([0xab, 0x01]);
    expect(authorizationKeyForms(raw)).toEqual([raw, Buffer.from("ab01")]);
    const chosen = Buffer.from("Correct Horse");
    expect(authorizationKeyForms(chosen)).toEqual([chosen, Buffer.from(chosen.toString("hex"))]);
  });

  it("tries hex text in lower case, as sent and in capitals", () => {
    expect(authorizationKeyForms(Buffer.from("ab01"))).toEqual([
      Buffer.from("ab01"),
      Buffer.from("AB01"),
    ]);
    expect(authorizationKeyForms(Buffer.from("aB01"))).toEqual([
      Buffer.from("ab01"),
      Buffer.from("aB01"),
      Buffer.from("AB01"),
    ]);
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
