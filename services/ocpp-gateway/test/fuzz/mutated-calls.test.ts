import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectNeighbourServed, type FuzzTarget, startFuzzTarget } from "./fuzz-target.js";
import { type FuzzedVersion, VERSIONS } from "./fuzzed-versions.js";
import { exchange, expectCallError, expectOutcome, head } from "./outcomes.js";
import { type Json, mutants, requestSchema, validValue } from "./schema-arbitrary.js";

// Property-based: payloads generated from each version's official request schemas, valid or with
// exactly one defect whose error code, as that version spells it, is known in advance.

let target: FuzzTarget;

beforeAll(async () => {
  target = await startFuzzTarget();
});
afterAll(async () => {
  await target?.stop();
});

const messageId = fc.string({ minLength: 1, maxLength: 36 });

// The gateway closes a message over 64 KiB (1009) instead of answering it; this leaves room for
// the frame around the payload.
const MAX_PAYLOAD_BYTES = 60_000;

function fitsOneMessage(payload: Json): boolean {
  return Buffer.byteLength(JSON.stringify(payload)) <= MAX_PAYLOAD_BYTES;
}

/** A CALL of any of `version`'s charge-point actions, with a payload its schema allows. */
function validCall(version: FuzzedVersion) {
  return fc.oneof(
    ...version.chargePointActions.map((action) => {
      const schema = requestSchema(version, action);
      return validValue(schema, schema)
        .filter(fitsOneMessage)
        .map((payload) => ({ action, payload }));
    }),
  );
}

/** A valid CALL of `version` with one defect, and the code the version answers the defect with. */
function mutatedCall(version: FuzzedVersion) {
  return validCall(version).chain(({ action, payload }) =>
    mutants(version.protocol.errorCodes, requestSchema(version, action), payload)
      .filter((mutant) => fitsOneMessage(mutant.payload))
      .map((mutant) => ({ action, ...mutant })),
  );
}

describe.each(VERSIONS)("CALLs generated from the $name schemas", (version) => {
  const { name, protocol } = version;

  it(`answers a payload with one defect with that defect's ${name} error code, and nothing else`, async () => {
    const neighbour = target.neighbour();
    const peer = await target.peer(`FUZZ-MUTANTS-${name}`, protocol.subprotocol);
    await fc.assert(
      fc.asyncProperty(mutatedCall(version), messageId, async ({ action, payload, code }, id) => {
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

  it(`answers a valid ${name} payload with a valid result (or a refused value), storing only events that keep the contract`, async () => {
    const neighbour = target.neighbour();
    const peer = await target.peer(`FUZZ-VALID-${name}`, protocol.subprotocol);
    await target.newViolations();
    await fc.assert(
      fc.asyncProperty(validCall(version), messageId, async ({ action, payload }, id) => {
        const [answer, ...more] = await exchange(peer, JSON.stringify([2, id, action, payload]));
        expect(more).toEqual([]);
        const [type, , third] = head(answer, 3);
        if (type === 4) expectCallError(answer, id, protocol.errorCodes.property);
        else expect(protocol.validator.validateResponse(action, third)).toBeUndefined();
        expect(await target.newViolations()).toEqual([]);
      }),
      { numRuns: 250 },
    );
    peer.destroy();
    await expectNeighbourServed(neighbour);
    await target.expectUnharmed();
  });
});
