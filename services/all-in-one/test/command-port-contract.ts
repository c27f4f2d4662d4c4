import type { CommandHandOver, CommandPort } from "@levity/metrics-projector";
import { eventually } from "@levity/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

/** A CALL a charge point received from the central system. */
export interface ReceivedCall {
  readonly messageId: string;
  readonly action: string;
  readonly payload: unknown;
}

/** A real OCPP 1.6 WebSocket client with a session: answers Reset with Accepted, records every CALL. */
export interface ConnectedChargePoint {
  /** Every CALL it received, in order. */
  readonly calls: readonly ReceivedCall[];
}

/** An adapter of the command port in front of a real gateway, and how to observe that gateway. */
export interface CommandPortFixture {
  readonly port: CommandPort;
  /** Connects a charge point; resolves once its session holds it (commands can reach it). */
  connect(cpId: string): Promise<ConnectedChargePoint>;
  /** The same adapter with its path to the gateway unreachable. */
  unreachable(): CommandPort;
  /** How a stored command ended (`completed`, or the failure's reason); undefined while pending or never stored. */
  outcome(commandId: string): Promise<string | undefined>;
  teardown(): Promise<void>;
}

const SOON = 30_000;

/**
 * The behaviour every CommandPort adapter must share: a command stored once per idempotency key
 * and sent at most once, refusals final, an unreachable path worth retrying.
 */
export function commandPortContract(name: string, setup: () => Promise<CommandPortFixture>): void {
  describe(`CommandPort contract: ${name}`, () => {
    let fixture: CommandPortFixture;
    beforeEach(async () => {
      fixture = await setup();
    });
    afterEach(async () => {
      await fixture.teardown();
    });

    const reset = (cpId: string, idempotencyKey: string, type = "Soft") =>
      fixture.port.send({
        cpId,
        action: "Reset",
        request: { type },
        idempotencyKey,
        deadline: Date.now() + SOON,
      });
    const commandIdOf = (handOver: CommandHandOver): string => {
      if (!handOver.ok) throw new Error(`not taken: ${handOver.error}`);
      return handOver.commandId;
    };
    /** Waits until `commandId`'s outcome is stored: after it, no hand-over of it is still on its way. */
    const settled = (commandId: string, outcome: string) =>
      eventually(async () => expect(await fixture.outcome(commandId)).toBe(outcome));

    it("hands a command to a connected charge point, which receives it once as a CALL", async () => {
      const charger = await fixture.connect("PORT-1");
      const handOver = await reset("PORT-1", "decision-1");
      expect(handOver).toEqual({ ok: true, commandId: expect.any(String) });
      const commandId = commandIdOf(handOver);
      expect(commandId).not.toBe("");
      await eventually(() => expect(charger.calls).toHaveLength(1));
      await settled(commandId, "completed");
      expect(charger.calls).toEqual([
        { messageId: commandId, action: "Reset", payload: { type: "Soft" } },
      ]);
    });

    it("sends one idempotency key once, handed over twice in a row and twice at once, each given the same command id", async () => {
      const charger = await fixture.connect("PORT-2");
      const first = await reset("PORT-2", "decision-2");
      const second = await reset("PORT-2", "decision-2");
      const concurrent = await Promise.all([
        reset("PORT-2", "decision-2"),
        reset("PORT-2", "decision-2"),
      ]);
      const commandId = commandIdOf(first);
      for (const handOver of [second, ...concurrent])
        expect(handOver).toEqual({ ok: true, commandId });
      await settled(commandId, "completed");
      expect(charger.calls).toEqual([
        { messageId: commandId, action: "Reset", payload: { type: "Soft" } },
      ]);
    });

    it("sends again under a different idempotency key", async () => {
      const charger = await fixture.connect("PORT-3");
      const first = commandIdOf(await reset("PORT-3", "decision-3a"));
      await settled(first, "completed");
      const second = commandIdOf(await reset("PORT-3", "decision-3b", "Hard"));
      expect(second).not.toBe(first);
      await settled(second, "completed");
      expect(charger.calls).toEqual([
        { messageId: first, action: "Reset", payload: { type: "Soft" } },
        { messageId: second, action: "Reset", payload: { type: "Hard" } },
      ]);
    });

    it("refuses an invalid payload for good, and nothing reaches the charge point", async () => {
      const charger = await fixture.connect("PORT-4");
      expect(await reset("PORT-4", "decision-4", "Sideways")).toEqual({
        ok: false,
        retry: false,
        error: expect.any(String),
      });
      // A valid command after it is the first CALL the charge point sees.
      const after = commandIdOf(await reset("PORT-4", "decision-4-after"));
      await settled(after, "completed");
      expect(charger.calls.map((call) => call.messageId)).toEqual([after]);
    });

    it("takes a command to a charge point with no session: stored, its outcome offline", async () => {
      const handOver = await reset("PORT-NOBODY", "decision-5");
      expect(handOver).toEqual({ ok: true, commandId: expect.any(String) });
      await settled(commandIdOf(handOver), "offline");
    });

    it("says an unreachable command path is worth trying again", async () => {
      await fixture.connect("PORT-6");
      expect(
        await fixture.unreachable().send({
          cpId: "PORT-6",
          action: "Reset",
          request: { type: "Soft" },
          idempotencyKey: "decision-6",
          deadline: Date.now() + SOON,
        }),
      ).toEqual({ ok: false, retry: true, error: expect.any(String) });
    });

    it("refuses a command whose deadline is already past, for good, and sends nothing", async () => {
      const charger = await fixture.connect("PORT-7");
      const handOver = await fixture.port.send({
        cpId: "PORT-7",
        action: "Reset",
        request: { type: "Soft" },
        idempotencyKey: "decision-7",
        deadline: Date.now() - 1_000,
      });
      expect(handOver).toEqual({
        ok: false,
        retry: false,
        error: expect.stringContaining("deadline"),
      });
      const after = commandIdOf(await reset("PORT-7", "decision-7-after"));
      await settled(after, "completed");
      expect(charger.calls.map((call) => call.messageId)).toEqual([after]);
    });
  });
}
