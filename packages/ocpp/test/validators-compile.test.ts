import { describe, expect, it } from "vitest";
import {
  type MessageValidator,
  OCPP16_COMMAND_ACTIONS,
  OCPP16_CP_ACTIONS,
  OCPP201_COMMAND_ACTIONS,
  OCPP201_CP_ACTIONS,
  ocpp16CommandValidator,
  ocpp16Validator,
  ocpp201CommandValidator,
  ocpp201Validator,
} from "../src/index.js";

// Validators compile on an action's first use: each must compile, so a schema ajv refuses is
// found here, not on a charge point's first call of that action.
const VALIDATORS: [string, MessageValidator, readonly string[]][] = [
  ["1.6 charge point calls", ocpp16Validator, OCPP16_CP_ACTIONS],
  ["1.6 commands", ocpp16CommandValidator, OCPP16_COMMAND_ACTIONS],
  ["2.0.1 charging station calls", ocpp201Validator, OCPP201_CP_ACTIONS],
  ["2.0.1 commands", ocpp201CommandValidator, OCPP201_COMMAND_ACTIONS],
];

describe("every action's schemas", () => {
  it.each(VALIDATORS)("compile: %s", (_name, validator, actions) => {
    for (const action of actions) {
      expect(validator.validateRequest(action, {}), action).not.toEqual(
        expect.objectContaining({ kind: "notImplemented" }),
      );
      expect(validator.validateResponse(action, {}), action).not.toEqual(
        expect.objectContaining({ kind: "notImplemented" }),
      );
    }
  });
});
