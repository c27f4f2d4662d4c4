import { encodeSubjectToken } from "./subject-token.js";

/** The subject layout under one prefix (default `ocpp`); tests use unique prefixes to isolate. */
export interface SubjectSpace {
  /** Where one producer (a gateway, or the projector's decisions) stores its batches. */
  events(producer: string): string;
  /** Wildcard covering every producer's events: what the stream captures. */
  readonly allEvents: string;
  /** Where the messages stored under one key (a command's request and outcome) go. */
  keyed(key: string): string;
  /** Wildcard covering every key's messages: the stream captures these too. */
  readonly allKeyed: string;
  /** Where commands for one session of one charge point are addressed (request-reply, not stored). */
  commands(cpId: string, sessionId: string): string;
}

/** Builds the subject space under `prefix`; every variable token is escaped. */
export function subjectSpace(prefix = "ocpp"): SubjectSpace {
  if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(prefix)) {
    throw new RangeError(`invalid subject prefix: ${prefix}`);
  }
  return {
    events: (producer) => `${prefix}.events.${encodeSubjectToken(producer)}`,
    allEvents: `${prefix}.events.*`,
    keyed: (key) => `${prefix}.keyed.${encodeSubjectToken(key)}`,
    allKeyed: `${prefix}.keyed.*`,
    commands: (cpId, sessionId) =>
      `${prefix}.cmd.${encodeSubjectToken(cpId)}.${encodeSubjectToken(sessionId)}`,
  };
}
