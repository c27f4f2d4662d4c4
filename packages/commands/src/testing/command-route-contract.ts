import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CommandOutcome, RoutedCommand } from "../contract/routed-command.js";
import type { CommandRoute, SessionOwner } from "../route/command-route.js";

/** Two routes over one backing, as two gateways would hold them, and how to release them. */
export interface RouteFixture {
  readonly a: CommandRoute;
  readonly b: CommandRoute;
  dispose(): Promise<void>;
}

const owner = (sessionId: string, gatewayId = "gw-a"): SessionOwner => ({
  gatewayId,
  instance: `${gatewayId}-1`,
  sessionId,
  protocol: "ocpp1.6",
  since: 1_000,
});

const command = (cpId: string, sessionId: string, commandId = "c-1"): RoutedCommand => ({
  commandId,
  cpId,
  sessionId,
  action: "Reset",
  payload: { type: "Soft" },
  deadline: Date.now() + 30_000,
  requestedAt: Date.now(),
  requestedBy: "test",
  requestSequence: 1,
});

const accepted: CommandOutcome = { outcome: "completed", response: { status: "Accepted" }, at: 1 };

/** The behaviour every CommandRoute adapter must share. */
export function commandRouteContract(name: string, open: () => Promise<RouteFixture>): void {
  describe(`CommandRoute contract: ${name}`, () => {
    let fixture: RouteFixture;
    beforeEach(async () => {
      fixture = await open();
    });
    afterEach(async () => {
      await fixture.dispose();
    });

    it("knows no owner of a charge point nobody claimed, and delivers nothing to it", async () => {
      expect(await fixture.a.ownerOf("CP-NONE")).toBeUndefined();
      expect(await fixture.a.deliver(command("CP-NONE", "s1"), 5_000)).toEqual({
        kind: "no-session",
      });
    });

    it("delivers a command to the session that claimed its charge point, from another route", async () => {
      const served: RoutedCommand[] = [];
      await fixture.b.claim(
        "CP-1",
        owner("s1", "gw-b"),
        async (received) => {
          served.push(received);
          return accepted;
        },
        () => {},
      );
      expect(await fixture.a.ownerOf("CP-1", true)).toEqual(owner("s1", "gw-b"));
      await waitFor(async () => (await fixture.a.ownerOf("CP-1"))?.sessionId === "s1");
      expect(await fixture.a.deliver(command("CP-1", "s1"), 5_000)).toEqual({
        kind: "answered",
        outcome: accepted,
      });
      expect(served.map((c) => c.commandId)).toEqual(["c-1"]);
    });

    it("never delivers to a session other than the one a command names", async () => {
      let served = 0;
      await fixture.b.claim(
        "CP-2",
        owner("s-new", "gw-b"),
        async () => {
          served += 1;
          return accepted;
        },
        () => {},
      );
      expect(await fixture.a.deliver(command("CP-2", "s-old"), 5_000)).toEqual({
        kind: "no-session",
      });
      expect(served).toBe(0);
    });

    it("lets a newer session supersede an older one, which is told and no longer served", async () => {
      const served: string[] = [];
      let supersededOld = 0;
      await fixture.a.claim(
        "CP-3",
        owner("s-old", "gw-a"),
        async () => {
          served.push("old");
          return accepted;
        },
        () => {
          supersededOld += 1;
        },
      );
      const newer = await fixture.b.claim(
        "CP-3",
        owner("s-new", "gw-b"),
        async () => {
          served.push("new");
          return accepted;
        },
        () => {},
      );
      await waitFor(() => supersededOld === 1);
      expect(await fixture.a.ownerOf("CP-3", true)).toEqual(owner("s-new", "gw-b"));
      expect((await fixture.a.deliver(command("CP-3", "s-new"), 5_000)).kind).toBe("answered");
      expect(served).toEqual(["new"]);
      await newer.release();
      expect(await fixture.a.ownerOf("CP-3", true)).toBeUndefined();
    });

    it("keeps the newer owner when a superseded claim is released late", async () => {
      const older = await fixture.a.claim(
        "CP-4",
        owner("s-old", "gw-a"),
        async () => accepted,
        () => {},
      );
      await fixture.b.claim(
        "CP-4",
        owner("s-new", "gw-b"),
        async () => accepted,
        () => {},
      );
      await older.release();
      expect((await fixture.a.ownerOf("CP-4", true))?.sessionId).toBe("s-new");
      await waitFor(async () => (await fixture.a.ownerOf("CP-4"))?.sessionId === "s-new");
    });

    it("stops delivering once a claim is released", async () => {
      const claim = await fixture.b.claim(
        "CP-5",
        owner("s1"),
        async () => accepted,
        () => {},
      );
      await claim.release();
      expect(await fixture.a.ownerOf("CP-5", true)).toBeUndefined();
      await waitFor(async () => (await fixture.a.ownerOf("CP-5")) === undefined);
      expect(await fixture.a.deliver(command("CP-5", "s1"), 5_000)).toEqual({ kind: "no-session" });
    });

    it("reports no answer when the serving side says nothing in time", async () => {
      await fixture.b.claim(
        "CP-6",
        owner("s1"),
        () => new Promise(() => {}),
        () => {},
      );
      expect(await fixture.a.deliver(command("CP-6", "s1"), 200)).toEqual({ kind: "no-answer" });
    });

    it("carries identities with dots, wildcards and spaces to the right session", async () => {
      const cpId = "depot.7 >*";
      let served = "";
      await fixture.b.claim(
        cpId,
        owner("s1"),
        async (received) => {
          served = received.cpId;
          return accepted;
        },
        () => {},
      );
      expect((await fixture.a.deliver(command(cpId, "s1"), 5_000)).kind).toBe("answered");
      expect(served).toBe(cpId);
      expect(await fixture.a.deliver(command("depot", "s1"), 5_000)).toEqual({
        kind: "no-session",
      });
    });
  });
}

async function waitFor(condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition never became true");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
