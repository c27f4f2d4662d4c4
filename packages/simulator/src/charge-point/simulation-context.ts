import type { FleetStats } from "../fleet/fleet-stats.js";

/** What every simulated charge point of a run shares. */
export interface SimulationContext {
  /** Base URL; each charge point appends its identity. */
  readonly url: string;
  readonly stats: FleetStats;
  readonly callTimeoutMs: number;
  /** CALLERROR codes that are not counted as misbehaviour (e.g. InternalError during a broker outage). */
  readonly expectedErrors: ReadonlySet<string>;
  /** Basic-auth password (OCPP security profile 1 and 2), the same for every charge point. */
  readonly password: string | undefined;
  /** Called with every call the server acknowledged with a CALLRESULT. */
  readonly acknowledged: (record: { cpId: string; messageId: string; action: string }) => void;
  /** Called with every command the central system sent (for `--command-log`). */
  readonly commandReceived: (record: { cpId: string; messageId: string; action: string }) => void;
  /** Share of commands answered Rejected (or the action's refusal), and left unanswered. */
  readonly rejectRate: number;
  readonly silentRate: number;
  readonly now: () => number;
}
