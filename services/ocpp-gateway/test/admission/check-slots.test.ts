import { describe, expect, it } from "vitest";
import { CheckSlots } from "../../src/admission/check-slots.js";

/** Work that finishes when told to, recording how many ran at once. */
function gatedWork(slots: CheckSlots, peak: { value: number }) {
  const releases: (() => void)[] = [];
  const work = () =>
    slots.run(
      () =>
        new Promise<number>((resolve) => {
          peak.value = Math.max(peak.value, slots.active);
          releases.push(() => resolve(releases.length));
        }),
    );
  return { work, releases };
}

describe("check slots", () => {
  it("runs at most `running` at once, queues up to `queued`, and refuses the rest at once", async () => {
    const slots = new CheckSlots(2, 3);
    const peak = { value: 0 };
    const { work, releases } = gatedWork(slots, peak);
    const outcomes = Array.from({ length: 8 }, work);
    const settled = await Promise.all(outcomes.slice(5));
    expect(settled).toEqual([{ ok: false }, { ok: false }, { ok: false }]);
    expect([slots.active, slots.waiting]).toEqual([2, 3]);
    while (releases.length > 0 || slots.active > 0) {
      releases.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    const results = await Promise.all(outcomes.slice(0, 5));
    expect(results.every((outcome) => outcome.ok)).toBe(true);
    expect(peak.value).toBe(2);
    expect([slots.active, slots.waiting]).toEqual([0, 0]);
  });

  it("frees its slot when the work fails", async () => {
    const slots = new CheckSlots(1, 0);
    await expect(slots.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await slots.run(async () => 7)).toEqual({ ok: true, value: 7 });
  });
});
