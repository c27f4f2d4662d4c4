import type { ChargePointRecord, ChargePointRegistry } from "./charge-point-registry.js";

/**
 * What a session was admitted with: its registry entry's profile and password hash, or nothing
 * (an unregistered charge point in open mode). A session whose credential is no longer the one in
 * the registry (removed, profile or password changed, newly registered) is revoked. Never logged.
 */
export type Credential = string;

export function credentialOf(record: ChargePointRecord | undefined): Credential {
  return record ? `profile-${record.securityProfile}:${record.passwordHash ?? ""}` : "unregistered";
}

/** Whether a session of `cpId` admitted with `credential` may stay under `registry`. */
export function stillAdmitted(
  cpId: string,
  credential: Credential,
  registry: ChargePointRegistry,
): boolean {
  return credentialOf(registry.get(cpId)) === credential;
}
