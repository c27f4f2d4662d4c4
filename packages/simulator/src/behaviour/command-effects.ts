import type { CommandEffect } from "../charge-point/command-effect.js";
import type { SimulatedChargePoint } from "../charge-point/simulated-charge-point.js";
import type { BootReason } from "../protocol/protocol-dialect.js";
import type { SeededRandom } from "../random/seeded-random.js";
import { sleep } from "./abortable-sleep.js";
import { type CarDone, charge, endCharging } from "./charging-session.js";
import { statusOf } from "./connector-status.js";

/** How a charge point comes back from a reboot: why it boots, and the transactions it then stops. */
export interface Reboot {
  readonly stops: readonly number[];
  readonly reason: string;
  readonly boot: BootReason;
}

/** What obeying needs of the charge point's life: the part that differs between a fleet and a scenario. */
export interface ObeyingLife {
  /** The draws of remotely started sessions. */
  readonly rng: SeededRandom;
  readonly stop: AbortSignal;
  /** When the car of a remotely started session is done; without it, it charges until stopped. */
  readonly carDone?: CarDone;
  /**
   * Reboots after a reset: `goDown` ends the connection as the reset asks, and the charge point
   * comes back as `reboot` says (a life with a connection loop of its own leaves that to it).
   */
  restart(reboot: Reboot, goDown: () => Promise<void>): Promise<void>;
}

/**
 * Does what the central system's commands ask, in the order they came: reboots, remote starts and
 * stops, triggered messages, status changes.
 */
export function obeying(
  cp: SimulatedChargePoint,
  life: ObeyingLife,
): (effects: readonly CommandEffect[]) => void {
  let queue: Promise<void> = Promise.resolve();
  const enqueue = (effect: CommandEffect) => {
    queue = queue.then(() => perform(effect)).catch(() => {});
  };
  const perform = async (effect: CommandEffect): Promise<void> => {
    switch (effect.kind) {
      case "reset":
        if (effect.whenIdle) {
          // Waits beside the queue: the commands that end the transactions must still be obeyed.
          void (async () => {
            while (cp.sessions.size > 0) if (!(await sleep(1_000, life.stop))) return;
            enqueue({ kind: "reset", hard: effect.hard });
          })();
        } else if (effect.hard) {
          await life.restart(
            { stops: [...cp.sessions.keys()], reason: "HardReset", boot: "RemoteReset" },
            () => cp.drop(),
          );
        } else {
          for (const connectorId of [...cp.sessions.keys()])
            await endCharging(cp, connectorId, "SoftReset");
          await life.restart({ stops: [], reason: "SoftReset", boot: "RemoteReset" }, () =>
            cp.disconnect(),
          );
        }
        return;
      case "remote-start":
        void charge(cp, effect.connectorId, effect.idTag, life.rng, life.stop, {
          remoteStartId: effect.remoteStartId,
          carDone: life.carDone,
        });
        return;
      case "remote-stop":
        await endCharging(cp, effect.connectorId, "Remote");
        return;
      case "status":
        await cp.status(effect.connectorId, effect.status);
        return;
      case "trigger":
        await triggered(cp, effect.message, effect.connectorId);
        return;
      case "send":
        await cp.call(effect.action, effect.payload);
        return;
    }
  };
  return (effects) => {
    for (const effect of effects) enqueue(effect);
  };
}

/** Sends the message a TriggerMessage asked for. */
async function triggered(
  cp: SimulatedChargePoint,
  message: string,
  connectorId: number | undefined,
): Promise<void> {
  const connectors =
    connectorId && connectorId > 0
      ? [connectorId]
      : Array.from({ length: cp.profile.connectors }, (_, i) => i + 1);
  switch (message) {
    case "BootNotification":
      await cp.boot("Triggered");
      return;
    case "Heartbeat":
      await cp.heartbeat();
      return;
    case "StatusNotification":
      for (const id of connectors) await cp.status(id, statusOf(cp, id), { evenIfUnchanged: true });
      return;
    default:
      await cp.triggered(message, connectors);
  }
}
