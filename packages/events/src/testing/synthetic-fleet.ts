import { encodeBatchOfJson } from "../batch/batch-codec.js";
import { batchMessageId } from "../batch/stored-batch.js";
import type { LevityEvent } from "../contract/events.js";
import type { EventLog } from "../log/event-log.js";
import { cpEvent } from "./event-builders.js";

/** Events of one charge point's generated life. */
export const EVENTS_PER_CP = 100;
const EVENTS_PER_MESSAGE = 50;

// Event number k of charge point `cp` in a realistic life: connect, boot, report, then charging
// sessions of a start, nine meter readings, a stop and a heartbeat.
export function eventOf(cp: number, k: number, ts: number): LevityEvent {
  const context = {
    cpId: `GEN-${cp}`,
    sessionId: `gen-s${cp}`,
    gatewayId: "gen",
    ts,
    id: `gen-${cp}-${k}`,
  };
  if (k === 0) return cpEvent("session.opened", { protocol: "ocpp1.6", instance: "gen" }, context);
  if (k === 1)
    return cpEvent("cp.boot", { vendor: "Bench", model: "Gen-1", firmwareVersion: "1.0" }, context);
  if (k < 4)
    return cpEvent(
      "cp.status",
      k === 2
        ? { evseId: 0, status: "Available" }
        : { evseId: 1, connectorId: 1, status: "Available" },
      context,
    );
  const round = Math.floor((k - 4) / 12);
  const step = (k - 4) % 12;
  const transactionId = String(cp * 100 + round);
  if (step === 0)
    return cpEvent(
      "tx.started",
      { evseId: 1, connectorId: 1, transactionId, idTag: "GEN", meterStartWh: 0, timestamp: ts },
      context,
    );
  if (step === 10)
    return cpEvent("tx.stopped", { transactionId, meterStopWh: 9000, timestamp: ts }, context);
  if (step === 11) return cpEvent("cp.heartbeat", {}, context);
  const samples = [
    ...["L1", "L2", "L3"].map((phase) => ({
      timestamp: ts,
      measurand: "Current.Import",
      unit: "A",
      value: 16,
      phase,
    })),
    { timestamp: ts, measurand: "Energy.Active.Import.Register", unit: "Wh", value: step * 1000 },
  ];
  return cpEvent("meter.values", { evseId: 1, connectorId: 1, transactionId, samples }, context);
}

/**
 * Stores `chargePoints × eventsPerCp` events in `log` as a gateway would (50 per message), as fast
 * as it takes them.
 */
export async function storeSyntheticFleet(
  log: EventLog,
  chargePoints: number,
  eventsPerCp = EVENTS_PER_CP,
): Promise<{ events: number; messages: number; seconds: number }> {
  const started = performance.now();
  const inFlight = new Set<Promise<unknown>>();
  let pending: string[] = [];
  let batch = 0;
  let events = 0;
  const flush = async () => {
    batch += 1;
    const data = encodeBatchOfJson({ producer: "gen", instance: "gen", batch }, pending);
    pending = [];
    const append = log.append({
      producer: "gen",
      messageId: batchMessageId("gen", "gen", batch),
      data,
    });
    inFlight.add(append);
    void append.finally(() => inFlight.delete(append));
    if (inFlight.size >= 256) await Promise.race(inFlight);
  };
  const base = Date.now() - chargePoints * eventsPerCp * 10;
  for (let k = 0; k < eventsPerCp; k++) {
    for (let cp = 0; cp < chargePoints; cp++) {
      pending.push(JSON.stringify(eventOf(cp, k, base + events * 10)));
      events += 1;
      if (pending.length === EVENTS_PER_MESSAGE) await flush();
    }
  }
  if (pending.length > 0) await flush();
  await Promise.all(inFlight);
  const seconds = (performance.now() - started) / 1000;
  return { events, messages: batch, seconds };
}
