import { createHash, timingSafeEqual } from "node:crypto";
import { authorizationKeyForms, parseBasicAuthorization } from "./basic-credentials.js";
import type { ChargePointRegistry, SecurityProfile } from "./charge-point-registry.js";
import type { CheckSlots } from "./check-slots.js";
import { type Credential, credentialOf } from "./credential.js";
import type { FailureLimiter } from "./failure-limiter.js";
import { verifyPassword } from "./password-hash.js";

/** Why a charge point was not let in. */
export const ADMISSION_REJECTIONS = [
  "unknown-identity",
  "missing-credentials",
  "bad-credentials",
  "weaker-profile",
  "certificate",
  "rate-limited",
  "capacity",
  "busy",
] as const;
export type AdmissionRejection = (typeof ADMISSION_REJECTIONS)[number];

/** What the gateway knows of a connection attempt before the upgrade. */
export interface ConnectionFacts {
  readonly identity: string;
  readonly authorization: string | undefined;
  /** Arrived over TLS. */
  readonly secure: boolean;
  /** The client certificate, when one was presented over TLS. */
  readonly certificate:
    | { readonly trusted: boolean; readonly commonName: string | undefined }
    | undefined;
  readonly address: string;
}

/**
 * The decision: in (with the profile it proved, 0 for an unregistered charge point in open mode,
 * and the registry credential it was admitted with), or an HTTP refusal.
 */
export type Admission =
  | {
      readonly ok: true;
      readonly profile: 0 | SecurityProfile;
      readonly credential: Credential;
    }
  | {
      readonly ok: false;
      readonly status: number;
      readonly reason: AdmissionRejection;
      readonly message: string;
      /** Seconds after which trying again makes sense (a `Retry-After` header). */
      readonly retryAfterS?: number;
    };

// Refusals that say nothing about the attempt's credentials: they do not count as failures.
const NOT_FAILURES: ReadonlySet<AdmissionRejection> = new Set(["capacity", "busy", "rate-limited"]);

/** How open the gateway is to charge points it does not know. */
export interface OpenMode {
  readonly allowUnknown: boolean;
  /** Distinct unregistered identities admitted at most (the open mode's bound). */
  readonly maxUnknown: number;
}

function refuse(
  status: number,
  reason: AdmissionRejection,
  message: string,
  retryAfterS?: number,
): Admission {
  return retryAfterS === undefined
    ? { ok: false, status, reason, message }
    : { ok: false, status, reason, message, retryAfterS };
}

const digest = (secret: Buffer) => createHash("sha256").update(secret).digest();

const RATE_LIMITED = refuse(
  429,
  "rate-limited",
  "too many failed attempts from this address, try later",
);
const BUSY = refuse(503, "busy", "too many credential checks in progress, try again shortly", 1);
const WRONG_CREDENTIALS = refuse(401, "bad-credentials", "wrong credentials");

/**
 * Decides, before the WebSocket upgrade, whether a charge point may connect: unknown identity 404,
 * missing or wrong credentials 401, a weaker profile than registered 403, an address with too many
 * attempts failed or in flight 429, no room to check a password now 503. A password verified once
 * (scrypt, through the gateway-wide `CheckSlots`) is remembered as its SHA-256 for this process, so
 * reconnections cost a hash, not a key derivation; a registry change invalidates it.
 */
export class Gatekeeper {
  readonly #registry: () => ChargePointRegistry;
  readonly #open: OpenMode;
  readonly #limiter: FailureLimiter;
  readonly #slots: CheckSlots;
  readonly #now: () => number;
  readonly #verified = new Map<string, { readonly hash: string; readonly digest: Buffer }>();
  readonly #unknownAdmitted = new Set<string>();

  constructor(
    registry: () => ChargePointRegistry,
    open: OpenMode,
    limiter: FailureLimiter,
    slots: CheckSlots,
    now: () => number,
  ) {
    this.#registry = registry;
    this.#open = open;
    this.#limiter = limiter;
    this.#slots = slots;
    this.#now = now;
  }

  async admit(facts: ConnectionFacts): Promise<Admission> {
    if (this.#limiter.blocked(facts.address, this.#now())) return RATE_LIMITED;
    const { admission, counted } = await this.#decide(facts);
    if (!counted && !admission.ok && !NOT_FAILURES.has(admission.reason))
      this.#limiter.fail(facts.address, this.#now());
    return admission;
  }

  /** The decision, and whether the limiter already counted it (a slow check settles its own). */
  async #decide(facts: ConnectionFacts): Promise<{ admission: Admission; counted: boolean }> {
    const quick = (admission: Admission) => ({ admission, counted: false });
    const record = this.#registry().get(facts.identity);
    if (!record) return quick(this.#admitUnknown(facts.identity));
    if (record.securityProfile >= 2 && !facts.secure) {
      return quick(refuse(403, "weaker-profile", `profile ${record.securityProfile} requires TLS`));
    }
    if (record.securityProfile === 3) {
      const certificate = facts.certificate;
      if (!certificate?.trusted)
        return quick(refuse(403, "certificate", "a trusted client certificate is required"));
      if (certificate.commonName !== facts.identity) {
        return quick(
          refuse(403, "certificate", "the certificate's CN does not match the identity"),
        );
      }
      return quick({ ok: true, profile: 3, credential: credentialOf(record) });
    }
    const credentials = parseBasicAuthorization(facts.authorization);
    if (!credentials)
      return quick(refuse(401, "missing-credentials", "HTTP Basic credentials are required"));
    if (credentials.username !== facts.identity || !record.passwordHash) {
      return quick(refuse(401, "bad-credentials", "wrong credentials"));
    }
    const admitted: Admission = {
      ok: true,
      profile: record.securityProfile,
      credential: credentialOf(record),
    };
    const forms = authorizationKeyForms(credentials.password);
    const known = this.#verified.get(facts.identity);
    // A key verified before costs a hash comparison: decided at once, like the checks above.
    if (known?.hash === record.passwordHash) {
      const matches = forms.some((form) => timingSafeEqual(digest(form), known.digest));
      return quick(matches ? admitted : WRONG_CREDENTIALS);
    }
    return {
      admission: await this.#checkPassword(facts, record.passwordHash, forms, admitted),
      counted: true,
    };
  }

  #admitUnknown(identity: string): Admission {
    if (!this.#open.allowUnknown) return refuse(404, "unknown-identity", "unknown charge point");
    if (
      !this.#unknownAdmitted.has(identity) &&
      this.#unknownAdmitted.size >= this.#open.maxUnknown
    ) {
      return refuse(503, "capacity", "this gateway admits no more unregistered charge points");
    }
    this.#unknownAdmitted.add(identity);
    return { ok: true, profile: 0, credential: credentialOf(undefined) };
  }

  /**
   * A key derivation (scrypt), counted against the address from the moment it is allowed to start
   * and run in one of the gateway's check slots.
   */
  async #checkPassword(
    facts: ConnectionFacts,
    hash: string,
    forms: readonly Buffer[],
    admitted: Admission,
  ): Promise<Admission> {
    const reservation = await this.#limiter.reserve(facts.address, this.#now());
    if (reservation.kind === "limited") return RATE_LIMITED;
    if (reservation.kind === "busy") return BUSY;
    const checked = await this.#slots.run(async () => {
      for (const form of forms) if (await verifyPassword(form, hash)) return form;
      return undefined;
    });
    const matched = checked.ok ? checked.value : undefined;
    // No slot is not a failure of the credentials: the place is given back uncounted.
    this.#limiter.settle(reservation.attempt, checked.ok && !matched, this.#now());
    if (!checked.ok) return BUSY;
    if (!matched) return WRONG_CREDENTIALS;
    this.#verified.set(facts.identity, { hash, digest: digest(matched) });
    return admitted;
  }
}
