import { OCPP16_CP_ACTIONS, OCPP16_ERROR_CODES, ocpp16Validator } from "@levity/ocpp";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectNeighbourServed, type FuzzTarget, startFuzzTarget } from "./fuzz-target.js";
import { exchange, expectCallError, expectOutcome, head } from "./outcomes.js";
import { mutants, requestSchema, validValue } from "./schema-arbitrary.js";

// Property-based: payloads generated from the official 1.6 request schemas, valid or with exactly
// one defect whose 1.6 error code is known in advance.

let target: FuzzTarget;

beforeAll(async () => {
  target = await startFuzzTarget();
});
afterAll(async () => {
  await target?.stop();
});

const messageId = fc.string({ minLength: 1, maxLength: 36 });

const validCall = fc.constantFrom(...OCPP16_CP_ACTIONS).chain((action) =>
  validValue(requestSchema(action), requestSchema(action)).map((payload) => ({
    action,
    payload,
  })),
);

const mutatedCall = validCall.chain(({ action, payload }) =>
  fc
    .constantFrom(...mutants(requestSchema(action), payload))
    .map((mutant) => ({ action, ...mutant })),
);

describe("CALLs generated from the 1.6 schemas", () => {
  it("answers a payload with one defect with that defect's 1.6 error code, and nothing else", async () => {
    const neighbour = target.neighbour();
    const peer = await target.peer("FUZZ-MUTANTS");
    await fc.assert(
      fc.asyncProperty(mutatedCall, messageId, async ({ action, payload, code }, id) => {
        await expectOutcome(target, peer, JSON.stringify([2, id, action, payload]), id, {
          error: code,
        });
      }),
      { numRuns: 400 },
    );
    peer.destroy();
    await expectNeighbourServed(neighbour);
    await target.expectUnharmed();
  });

  it("answers a valid payload with a valid result (or a refused value), storing only events that keep the contract", async () => {
    const neighbour = target.neighbour();
    const peer = await target.peer("FUZZ-VALID");
    await target.newViolations();
    await fc.assert(
      fc.asyncProperty(validCall, messageId, async ({ action, payload }, id) => {
        const [answer, ...more] = await exchange(peer, JSON.stringify([2, id, action, payload]));
        expect(more).toEqual([]);
        const [type, , third] = head(answer, 3);
        if (type === 4) expectCallError(answer, id, OCPP16_ERROR_CODES.property);
        else expect(ocpp16Validator.validateResponse(action, third)).toBeUndefined();
        expect(await target.newViolations()).toEqual([]);
      }),
      { numRuns: 250 },
    );
    peer.destroy();
    await expectNeighbourServed(neighbour);
    await target.expectUnharmed();
  });
});
