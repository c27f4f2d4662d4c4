import { encodeSubjectToken } from "./subject-token.js";

/** The subject layout under one prefix (default `ocpp`); tests use unique prefixes to isolate. */
export interface SubjectSpace {
  /** Where one producer (a gateway, or the projector's decisions) stores its batches. */
  events(producer: string): string;
  /** Wildcard covering every producer's events: what the stream captures. */
  readonly allEvents: string;
  /** Where commands for one charge point would be addressed. */
  commands(cpId: string): string;
}

/** Builds the subject space under `prefix`; every variable token is escaped. */
export function subjectSpace(prefix = "ocpp"): SubjectSpace {
  if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(prefix)) {
    throw new RangeError(`invalid subject prefix: ${prefix}`);
  }
  return {
    events: (producer) => `${prefix}.events.${encodeSubjectToken(producer)}`,
    allEvents: `${prefix}.events.*`,
    commands: (cpId) => `${prefix}.cmd.${encodeSubjectToken(cpId)}`,
  };
}
