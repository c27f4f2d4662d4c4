import { eventually } from "@levity/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { type KeptAlive, startKeepalive } from "../../src/connection/keepalive.js";

/** A session whose pong comes back at once, unless it went silent. */
class FakeSession implements KeptAlive {
  alive = true;
  pings = 0;
  closed: string | undefined;
  constructor(readonly answers: boolean) {}
  ping(): void {
    this.pings += 1;
    if (this.answers) this.alive = true;
  }
  close(reason: string): void {
    this.closed = reason;
  }
}

let stop = () => {};
afterEach(() => stop());

describe("the keepalive", () => {
  it("pings every session, over several slices, and ends only those silent since the last ping", async () => {
    const live = new Map<string, FakeSession>();
    for (let i = 0; i < 1_300; i++) live.set(`CP-${i}`, new FakeSession(i !== 1_200));
    stop = startKeepalive({ sessions: () => live.values() }, 20);
    const silent = live.get("CP-1200") as FakeSession;
    await eventually(() => expect(silent.closed).toBe("ping-timeout"));
    for (const [id, session] of live) {
      expect(session.pings, id).toBeGreaterThanOrEqual(1);
      if (session !== silent) expect(session.closed, id).toBeUndefined();
    }
  });
});
