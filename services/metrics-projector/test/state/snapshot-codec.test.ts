import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  decodeSnapshot,
  encodeSnapshot,
  SNAPSHOT_VERSION,
} from "../../src/snapshots/snapshot-codec.js";
import { EMPTY_STATE } from "../../src/state/projection-state.js";
import { Scenario } from "./scenario.js";

describe("snapshot codec", () => {
  it("round-trips a projection state with its sequence", async () => {
    const state = new Scenario()
      .alive("gw-a", "a1")
      .open({ cp: 'CP.1 "quoted"', session: "s1" }, "a1")
      .boot({ cp: 'CP.1 "quoted"', session: "s1" })
      .start({ cp: 'CP.1 "quoted"', session: "s1" }, 1, "9")
      .state();
    const decoded = await decodeSnapshot(
      await encodeSnapshot({ sequence: 42, takenAt: 1000, state }),
    );
    expect(decoded).toEqual({ ok: true, snapshot: { sequence: 42, takenAt: 1000, state } });
  });

  it("keeps the order of producer instances, which bounds deduplication memory", async () => {
    const state = {
      ...EMPTY_STATE,
      producers: EMPTY_STATE.producers.set("gw/b", 2).set("gw/a", 5),
    };
    const decoded = await decodeSnapshot(await encodeSnapshot({ sequence: 1, takenAt: 1, state }));
    expect(decoded.ok && [...decoded.snapshot.state.producers.keys()]).toEqual(["gw/b", "gw/a"]);
  });

  it.each([
    ["another version", gzipSync(JSON.stringify({ v: SNAPSHOT_VERSION + 1 })), "version"],
    [
      "a broken shape",
      gzipSync(JSON.stringify({ v: SNAPSHOT_VERSION, sequence: -1 })),
      "does not match",
    ],
    ["bytes that are not gzip", Buffer.from("hello"), "not gzipped JSON"],
  ])("refuses %s with a reason", async (_name, data, reason) => {
    const decoded = await decodeSnapshot(data);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.reason).toContain(reason);
  });
});
