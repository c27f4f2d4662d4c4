import { describe, expect, it } from "vitest";
import { identityFromUrl } from "../../src/connection/handshake.js";

describe("identityFromUrl", () => {
  it.each([
    ["/ocpp/CP-1", "CP-1"],
    ["/CP-1", "CP-1"],
    ["/steve/websocket/CentralSystemService/CP-1", "CP-1"],
    ["/ocpp/CP%2E1", "CP.1"],
    ["/ocpp/Ladestation%20M%C3%BCller", "Ladestation Müller"],
    ["/ocpp/CP-1?token=x", "CP-1"],
    ["/ocpp/a%2Fb", "a/b"],
  ])("reads %s as %j", (url, identity) => {
    expect(identityFromUrl(url, 48)).toEqual({ ok: true, identity });
  });

  it.each([
    ["/ocpp/", "identity-empty"],
    ["", "identity-empty"],
    ["/ocpp/%", "identity-invalid"],
    ["/ocpp/%C3%28", "identity-invalid"],
    ["/ocpp/CP%00", "identity-invalid"],
    ["/ocpp/CP%0A1", "identity-invalid"],
    ["/ocpp/CP%7F", "identity-invalid"],
    [`/ocpp/${"x".repeat(49)}`, "identity-too-long"],
  ])("refuses %j (%s) with HTTP 400", (url, reason) => {
    expect(identityFromUrl(url, 48)).toMatchObject({ ok: false, status: 400, reason });
  });

  it("counts characters, not bytes, against the length limit", () => {
    expect(identityFromUrl(`/ocpp/${encodeURIComponent("ü".repeat(48))}`, 48).ok).toBe(true);
  });
});
