import { Worker } from "node:worker_threads";
import { onAbort } from "../behaviour/abortable-sleep.js";
import type { FleetPlan } from "./fleet-plan.js";
import type { StatsSnapshot } from "./fleet-stats.js";
import type { Acknowledged, RunRecords } from "./run-fleet.js";

type WorkerMessage =
  | { kind: "running" }
  | {
      kind: "progress" | "done";
      stats: StatsSnapshot;
      acks: Acknowledged[];
      commands: Acknowledged[];
    };

/**
 * Runs each share of a fleet in its own worker thread; reports the latest counters of each, and
 * says when every worker runs (starting threads can take seconds on a busy machine).
 */
export function runInWorkers(
  shares: readonly FleetPlan[],
  stop: AbortSignal,
  report: (latest: readonly StatsSnapshot[]) => void,
  records: RunRecords,
  running: () => void,
): Promise<StatsSnapshot[]> {
  const latest: StatsSnapshot[] = [];
  let started = 0;
  const workerUrl = new URL("./fleet-worker.js", import.meta.url);
  return Promise.all(
    shares.map(
      (share, index) =>
        new Promise<StatsSnapshot>((resolve, reject) => {
          const worker = new Worker(workerUrl, { workerData: share });
          onAbort(stop, () => worker.postMessage({ kind: "stop" }));
          worker.on("message", (message: WorkerMessage) => {
            if (message.kind === "running") {
              started += 1;
              if (started === shares.length) running();
              return;
            }
            latest[index] = message.stats;
            report(latest.filter(Boolean));
            for (const record of message.acks) records.acknowledged(record);
            for (const record of message.commands) records.commandReceived(record);
            if (message.kind === "done") resolve(message.stats);
          });
          worker.on("error", reject);
          worker.on("exit", (code) => {
            if (code !== 0) reject(new Error(`simulator worker ${index} exited with ${code}`));
          });
        }),
    ),
  );
}
