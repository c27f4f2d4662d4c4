import { createRequire } from "node:module";
import { createMessageValidator, type MessageValidator } from "../schemas/message-validator.js";
import { OCPP201_COMMAND_ACTIONS, OCPP201_CP_ACTIONS } from "./ocpp201-actions.js";

const require = createRequire(import.meta.url);

/** The OCA OCPP 2.0.1 JSON schemas, as ocpp-rpc ships them (one bundle, an id per message). */
export const OCPP201_SCHEMAS = require("ocpp-rpc/lib/schemas/ocpp2_0_1.json") as readonly {
  readonly $id: string;
  readonly [key: string]: unknown;
}[];

/** Schema ids of an action's request and response in the 2.0.1 bundle. */
export const OCPP201_SCHEMA_IDS = {
  request: (action: string) => `urn:${action}.req`,
  response: (action: string) => `urn:${action}.conf`,
};

/** Validators for every call a 2.0.1 charging station sends, compiled once. */
export const ocpp201Validator: MessageValidator = createMessageValidator(
  OCPP201_SCHEMAS,
  OCPP201_SCHEMA_IDS,
  OCPP201_CP_ACTIONS,
);

/** Validators for every command the CSMS sends a 2.0.1 charging station, and its answer. */
export const ocpp201CommandValidator: MessageValidator = createMessageValidator(
  OCPP201_SCHEMAS,
  OCPP201_SCHEMA_IDS,
  OCPP201_COMMAND_ACTIONS,
);
