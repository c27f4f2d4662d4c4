import { describe, expect, it } from "vitest";
import { Freshness } from "../../src/projection/freshness.js";

describe("freshness", () => {
  it("is current as of a probe once everything the probe saw is applied", () => {
    let now = 0;
    const freshness = new Freshness(10_000, () => now);
    freshness.probed(5, 1_000);
    freshness.applied(4);
    now = 3_000;
    expect(freshness.read()).toMatchObject({ lagMessages: 1, streamSequence: 5, currentAsOf: 0 });
    freshness.applied(5);
    expect(freshness.read()).toMatchObject({ lagMessages: 0, currentAsOf: 1_000 });
    expect(freshness.read().stalenessSeconds).toBe(2);
  });

  it("is stalled when nothing verifies it for longer than the bound, whatever the consumer says", () => {
    let now = 0;
    const freshness = new Freshness(10_000, () => now);
    freshness.probed(7, 0);
    freshness.applied(7);
    // Probes keep finding more than was applied: the consumer stopped delivering.
    for (let at = 1_000; at <= 10_000; at += 1_000) freshness.probed(7 + at / 1_000, at);
    now = 10_000;
    expect(freshness.read().stalled).toBe(false);
    now = 10_001;
    expect(freshness.read()).toMatchObject({ stalled: true, lagMessages: 10 });
    freshness.applied(17);
    expect(freshness.read()).toMatchObject({ stalled: false, lagMessages: 0, currentAsOf: 10_000 });
  });

  it("grows stale when the stream cannot be asked, even with nothing left to apply", () => {
    let now = 0;
    const freshness = new Freshness(5_000, () => now);
    freshness.probed(3, 0);
    freshness.applied(3);
    now = 6_000;
    expect(freshness.read()).toMatchObject({ stalled: true, lagMessages: 0 });
  });

  it("never moves its verified moment back for an older probe", () => {
    const freshness = new Freshness(5_000, () => 0);
    freshness.probed(2, 2_000);
    freshness.applied(2);
    freshness.probed(1, 1_000);
    expect(freshness.read().currentAsOf).toBe(2_000);
  });
});
