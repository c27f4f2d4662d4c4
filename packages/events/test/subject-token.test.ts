import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeSubjectToken, encodeSubjectToken, subjectSpace } from "../src/index.js";

const NATS_TOKEN = /^[^.*>\s]+$/;

const hostile = [
  "CP.001",
  "CP*",
  "CP>",
  ">",
  "*",
  "a.b.c",
  "a b",
  "tab\there",
  "new\nline",
  "_41",
  "_",
  "__",
  "Ladestation-Müller",
  "充电桩-7",
  "🚗⚡",
  "%2E",
  "..",
  "ocpp.events.gw-1",
];

describe("subject token encoding", () => {
  it.each(hostile)("round-trips %j into one safe token", (identity) => {
    const token = encodeSubjectToken(identity);
    expect(token).toMatch(NATS_TOKEN);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeSubjectToken(token)).toEqual({ ok: true, value: identity });
  });

  it("keeps plain identities readable", () => {
    expect(encodeSubjectToken("CP-001")).toBe("CP-001");
    expect(encodeSubjectToken("cp.1")).toBe("cp_2E1");
  });

  it("never maps two identities to the same token", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, unit: "grapheme" }),
        fc.string({ minLength: 1, unit: "grapheme" }),
        (a, b) => {
          fc.pre(a !== b);
          expect(encodeSubjectToken(a)).not.toBe(encodeSubjectToken(b));
        },
      ),
    );
  });

  it("round-trips any well-formed identity", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, unit: "grapheme" }), (identity) => {
        const token = encodeSubjectToken(identity);
        expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(decodeSubjectToken(token)).toEqual({ ok: true, value: identity });
      }),
    );
  });

  it("rejects non-canonical and malformed tokens", () => {
    for (const token of ["_41", "_2e", "a.b", "a*", "_", "_4", "", "_C3", "a b"]) {
      expect(decodeSubjectToken(token).ok, token).toBe(false);
    }
  });

  it("refuses identities that cannot round-trip", () => {
    expect(() => encodeSubjectToken("")).toThrow(RangeError);
    expect(() => encodeSubjectToken("bad\uD800")).toThrow(RangeError);
  });
});

describe("subject space", () => {
  it("puts each producer in exactly one token under the events wildcard", () => {
    const subjects = subjectSpace("ocpp");
    for (const producer of hostile) {
      const subject = subjects.events(producer);
      const tokens = subject.split(".");
      expect(tokens).toHaveLength(3);
      expect(tokens.slice(0, 2)).toEqual(["ocpp", "events"]);
      expect(tokens[2]).toMatch(NATS_TOKEN);
    }
    expect(subjects.allEvents).toBe("ocpp.events.*");
    expect(subjects.commands("CP.1>", "s.1")).toBe("ocpp.cmd.CP_2E1_3E.s_2E1");
    expect(subjects.keyed("c*1")).toBe("ocpp.keyed.c_2A1");
  });

  it("rejects a prefix with wildcards or empty tokens", () => {
    for (const prefix of ["", "a..b", "a.*", ">", "a b", ".a"]) {
      expect(() => subjectSpace(prefix), prefix).toThrow(RangeError);
    }
    expect(subjectSpace("t1.ocpp").events("x")).toBe("t1.ocpp.events.x");
  });
});
