import {
  OCPP16,
  OCPP16_CP_ACTIONS,
  OCPP16_CS_ACTIONS,
  OCPP16_SCHEMA_IDS,
  OCPP16_SCHEMAS,
  OCPP201,
  OCPP201_CP_ACTIONS,
  OCPP201_CS_ACTIONS,
  OCPP201_SCHEMA_IDS,
  OCPP201_SCHEMAS,
  type OcppProtocol,
} from "@levity/ocpp";
import { OCPP16_CODES, OCPP201_CODES } from "./outcomes.js";

export type VersionName = "1.6" | "2.0.1";

/** An OCPP version as the fuzz suite speaks it: what it offers, calls and generates payloads from. */
export interface FuzzedVersion {
  readonly name: VersionName;
  /** Its subprotocol, error spelling and validators. */
  readonly protocol: OcppProtocol;
  /** Every error code the version defines: all an answer may carry. */
  readonly codes: ReadonlySet<string>;
  /** Every action a charge point of this version calls. */
  readonly chargePointActions: readonly string[];
  /** Actions of this version only the central system calls. */
  readonly centralSystemActions: readonly string[];
  /** The official JSON schemas of the version's messages. */
  readonly schemas: readonly { readonly $id: string; readonly [key: string]: unknown }[];
  /** The `$id` of an action's request schema in `schemas`. */
  readonly requestSchemaId: (action: string) => string;
}

export const V16: FuzzedVersion = {
  name: "1.6",
  protocol: OCPP16,
  codes: OCPP16_CODES,
  chargePointActions: OCPP16_CP_ACTIONS,
  centralSystemActions: OCPP16_CS_ACTIONS,
  schemas: OCPP16_SCHEMAS,
  requestSchemaId: OCPP16_SCHEMA_IDS.request,
};

export const V201: FuzzedVersion = {
  name: "2.0.1",
  protocol: OCPP201,
  codes: OCPP201_CODES,
  chargePointActions: OCPP201_CP_ACTIONS,
  centralSystemActions: OCPP201_CS_ACTIONS,
  schemas: OCPP201_SCHEMAS,
  requestSchemaId: OCPP201_SCHEMA_IDS.request,
};

/** Every version the gateway serves, each fuzzed with the same properties. */
export const VERSIONS: readonly FuzzedVersion[] = [V16, V201];
