import { cpEvent, eventOf } from "@levity/events/testing";
import {
  DecisionPass,
  decideAutomations,
  EMPTY_STATE,
  evolve,
  type ProjectionState,
  parseAutomations,
} from "@levity/metrics-projector";

// What the automations cost the projector: every second, when the projection is current, the
// reactor's decision pass walks the projection through every rule. Timed here, in this process,
// on a folded fleet with the rules of examples/automations.yaml plus one selecting by identity
// and vendor patterns: the whole walk (`decide`, as a first pass or a restart does it), then the
// pass the reactor runs each second, which looks again only at charge points that changed.

const RULES = `
automations:
  - { name: free-vend, kind: auto-remote-start, chargePoints: ["FREEVEND-*"], idTag: FREEVEND }
  - { name: reset-faulted, kind: reset-when-faulted, after: 10s, maxPerDay: 3 }
  - { name: reboot-loop, kind: quarantine-reboot-loop, boots: 5, window: 10m }
  - { name: orphans, kind: close-orphaned-transactions }
  - { name: vendor, kind: reset-when-faulted, vendors: ["Bench*"], chargePoints: ["GEN-*"] }
`;
// Connect, boot, statuses, then two charging sessions: every connector has a status and a history.
const EVENTS_PER_CP = 4 + 12 * 2;
// Charge points changed between two ticks: about what 1,000 calls/s touch in a second.
const CHANGED_PER_TICK = 1_000;

/** One fleet size: a whole walk, and the reactor's pass when nothing or some changed. */
export interface AutomationsTick {
  readonly chargePoints: number;
  readonly rules: number;
  readonly fullWalkMs: number;
  readonly fullWalkMicrosecondsPerCp: number;
  readonly quietPassMs: number;
  readonly changedPassMs: number;
  readonly changed: number;
}

export interface AutomationsResult {
  readonly ticks: readonly AutomationsTick[];
}

function fleet(chargePoints: number): ProjectionState {
  let state = EMPTY_STATE;
  let ts = 1_700_000_000_000;
  for (let k = 0; k < EVENTS_PER_CP; k++)
    for (let cp = 0; cp < chargePoints; cp++) state = evolve(state, eventOf(cp, k, ts++));
  return state;
}

const median = (times: number[]) => {
  times.sort((a, b) => a - b);
  return Math.round((times[Math.floor(times.length / 2)] ?? 0) * 10) / 10;
};

async function timed(rounds: number, run: () => unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return median(times);
}

/** Times the decision passes at each fleet size (a tenth with `quick`). */
export async function automationsTick(quick: boolean): Promise<AutomationsResult> {
  const parsed = parseAutomations(RULES);
  if (!parsed.ok) throw new Error(parsed.error);
  const rules = parsed.value;
  const rounds = quick ? 5 : 20;
  const ticks: AutomationsTick[] = [];
  for (const chargePoints of quick ? [1_000, 4_800] : [10_000, 48_000]) {
    let state = fleet(chargePoints);
    const now = Date.now();
    const fullWalkMs = await timed(rounds, () => decideAutomations(rules, state, now));
    const pass = new DecisionPass();
    await pass.run(rules, state, now);
    const quietPassMs = await timed(rounds, () => pass.run(rules, state, now));
    const changed = Math.min(CHANGED_PER_TICK, chargePoints);
    const changedPassMs = await timed(rounds, async () => {
      for (let cp = 0; cp < changed; cp++)
        state = evolve(
          state,
          cpEvent("cp.heartbeat", {}, { cpId: `GEN-${cp}`, sessionId: `gen-s${cp}`, ts: now }),
        );
      await pass.run(rules, state, now);
    });
    ticks.push({
      chargePoints,
      rules: rules.length,
      fullWalkMs,
      fullWalkMicrosecondsPerCp: Math.round((fullWalkMs * 10_000) / chargePoints) / 10,
      quietPassMs,
      changedPassMs,
      changed,
    });
  }
  return { ticks };
}

/** The scenario's table for docs/benchmarks.md. */
export function renderAutomationsTick(result: AutomationsResult): string {
  const rows = result.ticks.map(
    (t) =>
      `| ${t.chargePoints.toLocaleString("en")} | ${t.rules} | ${t.fullWalkMs} (${t.fullWalkMicrosecondsPerCp} µs per charge point) | ${t.quietPassMs} | ${t.changedPassMs} (${t.changed.toLocaleString("en")} changed) |`,
  );
  return [
    "The automations' decisions over a folded fleet: the whole walk (a first tick, a restart), and the reactor's pass each second when nothing changed or when some charge points did (the heartbeats' folding included):",
    "",
    "| charge points | rules | whole walk ms | pass ms, nothing changed | pass ms, some changed |",
    "| --- | --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
}
