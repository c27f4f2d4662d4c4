import { createRequire } from "node:module";
import { createMessageValidator, type MessageValidator } from "../schemas/message-validator.js";
import { OCPP16_COMMAND_ACTIONS, OCPP16_CP_ACTIONS } from "./ocpp16-actions.js";

const require = createRequire(import.meta.url);

/**
 * The OCA OCPP 1.6 JSON schemas plus those of the 1.6 security whitepaper, as ocpp-rpc ships them:
 * the OCA draft-04 files restated as draft-07 with every type, enum and length limit unchanged.
 */
export const OCPP16_SCHEMAS = require("ocpp-rpc/lib/schemas/ocpp1_6.json") as readonly {
  readonly $id: string;
  readonly [key: string]: unknown;
}[];

/** Schema ids of an action's request and response in the 1.6 bundle. */
export const OCPP16_SCHEMA_IDS = {
  request: (action: string) => `urn:${action}.req`,
  response: (action: string) => `urn:${action}.conf`,
};

/** Validators for every call a 1.6J charge point sends, compiled once. */
export const ocpp16Validator: MessageValidator = createMessageValidator(
  OCPP16_SCHEMAS,
  OCPP16_SCHEMA_IDS,
  OCPP16_CP_ACTIONS,
);

/** Validators for every command the central system sends a 1.6J charge point, and its answer. */
export const ocpp16CommandValidator: MessageValidator = createMessageValidator(
  OCPP16_SCHEMAS,
  OCPP16_SCHEMA_IDS,
  OCPP16_COMMAND_ACTIONS,
);
