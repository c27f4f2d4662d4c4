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
const NOT_FAILURES: ReadonlySet<AdmissionRejection> = new Set(["capacity", "busy"]);

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
    // Counted before the (slow) check, so attempts arriving together cannot pass the limit.
    const attempt = this.#limiter.reserve(facts.address, this.#now());
    if (!attempt) {
      return refuse(429, "rate-limited", "too many failed attempts from this address, try later");
    }
    const decision = await this.#decide(facts);
    this.#limiter.settle(attempt, !decision.ok && !NOT_FAILURES.has(decision.reason), this.#now());
    return decision;
  }

  async #decide(facts: ConnectionFacts): Promise<Admission> {
    const record = this.#registry().get(facts.identity);
    if (!record) return this.#admitUnknown(facts.identity);
    if (record.securityProfile >= 2 && !facts.secure) {
      return refuse(403, "weaker-profile", `profile ${record.securityProfile} requires TLS`);
    }
    if (record.securityProfile === 3) {
      const certificate = facts.certificate;
      if (!certificate?.trusted)
        return refuse(403, "certificate", "a trusted client certificate is required");
      if (certificate.commonName !== facts.identity) {
        return refuse(403, "certificate", "the certificate's CN does not match the identity");
      }
      return { ok: true, profile: 3, credential: credentialOf(record) };
    }
    const credentials = parseBasicAuthorization(facts.authorization);
    if (!credentials)
      return refuse(401, "missing-credentials", "HTTP Basic credentials are required");
    if (credentials.username !== facts.identity || !record.passwordHash) {
      return refuse(401, "bad-credentials", "wrong credentials");
    }
    const matches = await this.#passwordMatches(
      facts.identity,
      record.passwordHash,
      credentials.password,
    );
    if (matches === "busy")
      return refuse(503, "busy", "too many credential checks in progress, try again shortly", 1);
    if (!matches) return refuse(401, "bad-credentials", "wrong credentials");
    return { ok: true, profile: record.securityProfile, credential: credentialOf(record) };
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

  async #passwordMatches(
    identity: string,
    hash: string,
    password: Buffer,
  ): Promise<boolean | "busy"> {
    const forms = authorizationKeyForms(password);
    const known = this.#verified.get(identity);
    if (known?.hash === hash) {
      return forms.some((form) => timingSafeEqual(digest(form), known.digest));
    }
    const checked = await this.#slots.run(async () => {
      for (const form of forms) if (await verifyPassword(form, hash)) return form;
      return undefined;
    });
    if (!checked.ok) return "busy";
    if (!checked.value) return false;
    this.#verified.set(identity, { hash, digest: digest(checked.value) });
    return true;
  }
}
