import { describe, expect, it } from "vitest";
import {
  HANDLERS_BY_SUBPROTOCOL,
  negotiateProtocol,
  SERVED_PROTOCOLS,
} from "../../src/protocol/protocol-handlers.js";

describe("the table of served protocols", () => {
  it("negotiates only subprotocols it has handlers for, each to its own handlers", () => {
    for (const handlers of SERVED_PROTOCOLS) {
      const subprotocol = handlers.protocol.subprotocol;
      expect(negotiateProtocol([subprotocol])).toBe(handlers);
      expect(HANDLERS_BY_SUBPROTOCOL.get(subprotocol)).toBe(handlers);
    }
    expect(HANDLERS_BY_SUBPROTOCOL.size).toBe(SERVED_PROTOCOLS.length);
  });

  it("picks the most preferred served protocol among those offered, in the table's order", () => {
    const served = SERVED_PROTOCOLS.map((handlers) => handlers.protocol.subprotocol);
    expect(negotiateProtocol(["ocpp1.5", ...[...served].reverse(), "mqtt"])).toBe(
      SERVED_PROTOCOLS[0],
    );
    expect(negotiateProtocol(["ocpp1.5", "mqtt"])).toBeUndefined();
    expect(negotiateProtocol([])).toBeUndefined();
  });
});
