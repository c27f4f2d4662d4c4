import { EVENTS_PER_CP, eventOf } from "@levity/events/testing";
import { EMPTY_STATE, evolve, type ProjectionState } from "@levity/metrics-projector";

// Run with --expose-gc: folds the generated life of N charge points into a projection state and
// prints the heap it holds per charge point, after full garbage collections.

const chargePoints = Number(process.argv[2]);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc");
gc();
const before = process.memoryUsage().heapUsed;
let state: ProjectionState = EMPTY_STATE;
let events = 0;
for (let k = 0; k < EVENTS_PER_CP; k++) {
  for (let cp = 0; cp < chargePoints; cp++)
    state = evolve(state, eventOf(cp, k, 1_700_000_000_000 + events++));
}
gc();
gc();
const after = process.memoryUsage().heapUsed;
process.stdout.write(
  `${JSON.stringify({ chargePoints: state.cps.size, bytesPerCp: Math.round((after - before) / chargePoints) })}\n`,
);
