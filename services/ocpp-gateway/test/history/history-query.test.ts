import { cpEvent, gatewayEvent } from "@levity/events/testing";
import { describe, expect, it } from "vitest";
import { parseEventsCommand } from "../../src/admin/events-command.js";
import { matches, parseTime, prefilterBytes } from "../../src/history/history-query.js";
import { payloadSummary, timelineLine } from "../../src/history/timeline.js";

const now = Date.parse("2026-12-05T12:00:00Z");

describe("parseTime", () => {
  it.each([
    ["90s", now - 90_000],
    ["15m", now - 900_000],
    ["2h", now - 7_200_000],
    ["7d", now - 7 * 86_400_000],
    ["1.5h", now - 5_400_000],
    ["2026-12-01", Date.parse("2026-12-01")],
    ["2026-12-05T10:30:00Z", Date.parse("2026-12-05T10:30:00Z")],
    ["2026-12-05T10:30:00+01:00", Date.parse("2026-12-05T09:30:00Z")],
  ])("reads %s", (text, ms) => expect(parseTime(text, now)).toBe(ms));

  it.each(["", "2", "2w", "yesterday", "March", "-2h", "2026-13-45"])("refuses %j", (text) =>
    expect(parseTime(text, now)).toBeUndefined(),
  );
});

describe("matches", () => {
  const query = { cpId: "CP-7", since: now - 3_600_000, until: now, types: new Set<string>() };
  const at = (ts: number, cpId = "CP-7") => cpEvent("cp.heartbeat", {}, { cpId, ts });

  it("keeps the charge point's events within the bounds, inclusive", () => {
    expect(matches(at(now - 3_600_000), query)).toBe(true);
    expect(matches(at(now), query)).toBe(true);
    expect(matches(at(now + 1), query)).toBe(false);
    expect(matches(at(now - 3_600_001), query)).toBe(false);
    expect(matches(at(now, "CP-70"), query)).toBe(false);
    expect(
      matches(
        gatewayEvent("gateway.alive", { instance: "i", startedAt: now, sessions: 0 }, { ts: now }),
        query,
      ),
    ).toBe(false);
  });

  it("keeps only the types asked for", () => {
    const onlyStatus = { ...query, types: new Set(["cp.status"]) };
    expect(matches(at(now), onlyStatus)).toBe(false);
    const status = cpEvent(
      "cp.status",
      { evseId: 1, status: "Available" },
      { cpId: "CP-7", ts: now },
    );
    expect(matches(status, onlyStatus)).toBe(true);
  });

  it("prefilters on the id as a JSON string, so a longer id does not match", () => {
    const batch = Buffer.from(JSON.stringify({ events: [at(now, "CP-70")] }));
    expect(batch.indexOf(prefilterBytes("CP-7"))).toBe(-1);
    expect(batch.indexOf(prefilterBytes("CP-70"))).toBeGreaterThan(0);
    const quoted = Buffer.from(JSON.stringify({ events: [at(now, 'a"b\\c')] }));
    expect(quoted.indexOf(prefilterBytes('a"b\\c'))).toBeGreaterThan(0);
  });
});

describe("the timeline", () => {
  it("shows time, gateway, type and the payload's key fields", () => {
    const event = cpEvent(
      "cp.status",
      { evseId: 1, connectorId: 2, status: "Faulted" },
      { cpId: "CP-7", ts: now, gatewayId: "gw-a" },
    );
    expect(timelineLine(event)).toBe(
      "2026-12-05 12:00:00.000Z  gw-a          cp.status               evse 1/2 status=Faulted",
    );
  });

  it("summarises nested objects one level deep and arrays by their length", () => {
    expect(
      payloadSummary({ transactionId: "T1", samples: [1, 2, 3], evse: { id: 2 }, ok: true }),
    ).toBe("transactionId=T1 samples=[3] evse.id=2 ok=true");
    expect(payloadSummary({ status: "Charging", timestamp: now })).toBe(
      "status=Charging timestamp=2026-12-05T12:00:00.000Z",
    );
  });
});

describe("parseEventsCommand", () => {
  it("reads NATS from the flag or NATS_URL, else the data directory's journal", () => {
    const viaEnv = parseEventsCommand({ cp: "CP-7" }, { NATS_URL: "nats://n:4222" }, now);
    expect(viaEnv.ok && viaEnv.command.source).toEqual({
      kind: "nats",
      url: "nats://n:4222",
      stream: "OCPP_EVENTS",
      subjectPrefix: "ocpp",
    });
    const journal = parseEventsCommand({ cp: "CP-7", dataDir: "/d" }, { NATS_URL: "x" }, now);
    expect(journal.ok && journal.command.source).toEqual({
      kind: "journal",
      path: "/d/events.jsonl",
    });
    const defaults = parseEventsCommand({ cp: "CP-7" }, {}, now);
    expect(defaults.ok && defaults.command.query.since).toBe(now - 3_600_000);
    expect(defaults.ok && defaults.command.source).toEqual({
      kind: "journal",
      path: "data/events.jsonl",
    });
  });

  it.each([
    [{ cp: "CP-7", follow: true, until: "1h" }, "--follow"],
    [{ cp: "CP-7", scan: true }, "--scan"],
    [{ cp: "CP-7", nats: "nats://x", stream: "a.b" }, "--stream"],
    [{ cp: "CP-7", nats: "nats://x", subjectPrefix: "a.*" }, "--subject-prefix"],
  ])("refuses %j", (flags, reason) => {
    const parsed = parseEventsCommand(flags, {}, now);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? "" : parsed.error).toContain(reason);
  });
});
