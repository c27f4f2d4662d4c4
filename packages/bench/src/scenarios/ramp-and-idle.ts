import { LoadDriver } from "../load/load-driver.js";
import { identityPrefix, type LoadProtocol } from "../load/messages.js";
import { latencyMs } from "../measure/latency.js";
import { rssBytes } from "../measure/proc-stats.js";
import type { System } from "./systems.js";

/** Ramp (connect + BootNotification) and idle memory of one system. */
export interface RampIdleResult {
  readonly system: string;
  readonly rampCps: number;
  readonly cpsPerSecond: number;
  readonly bootP99Ms: number;
  readonly failed: number;
  readonly idleConnections: number;
  readonly rssIdleBytes: number;
  readonly rssHeldBytes: number;
  readonly bytesPerConnection: number;
}

/**
 * Connects `ramp` charge points at `concurrency` and boots each (the reconnect storm), then tops
 * up to `hold` connections and reads the serving process's resident memory per connection.
 */
export async function rampAndIdle(
  system: System,
  serverPid: number,
  ramp: number,
  hold: number,
  concurrency: number,
  protocol: LoadProtocol = "ocpp1.6",
): Promise<RampIdleResult> {
  const driver = await LoadDriver.start();
  try {
    const rssIdle = rssBytes(serverPid);
    const prefix = identityPrefix("RAMP", protocol);
    const ramped = await driver.connect(system.url, prefix, 0, ramp, concurrency, { protocol });
    const topped = await driver.connect(system.url, prefix, ramp, hold - ramp, concurrency, {
      protocol,
    });
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const rssHeld = rssBytes(serverPid);
    const held = ramped.connected + topped.connected;
    await driver.close();
    return {
      system: system.name,
      rampCps: ramp,
      cpsPerSecond: Math.round(ramped.connected / ramped.seconds),
      bootP99Ms: latencyMs(ramped.latency).p99,
      failed: ramped.failed + topped.failed,
      idleConnections: held,
      rssIdleBytes: rssIdle,
      rssHeldBytes: rssHeld,
      bytesPerConnection: Math.round((rssHeld - rssIdle) / held),
    };
  } finally {
    await driver.stop();
  }
}
