/** The visualisation of a panel. */
export type PanelKind = "gauge" | "stat" | "timeseries" | "barchart" | "bargauge" | "table";

/** One dashboard panel, defined once: what it shows and how. */
export interface PanelDefinition {
  readonly id: number;
  readonly title: string;
  readonly kind: PanelKind;
  readonly description: string;
  readonly expr: string;
  readonly legend?: string;
  /** Grafana unit id: bytes, amp, dtdurations, short... */
  readonly unit?: string;
  /** An instant query (one value per series) rather than a range. */
  readonly instant?: boolean;
  readonly grid: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
}

/** Per-CP selector filtered by the dashboard's cp_id variable. */
const cp = (metric: string) => `${metric}{cp_id=~"$cp_id"}`;
// Exact counts per bar (see the alerts on why not increase()): the counter now minus its value
// one interval earlier, per charge point.
const perInterval = (metric: string) =>
  `sum by (cp_id) (max by (cp_id) (${cp(metric)}) - max by (cp_id) (${cp(metric)} offset $__interval))`;

/** The 14 panels, in order. */
export const PANELS: readonly PanelDefinition[] = [
  {
    id: 1,
    title: "Central Service Running",
    kind: "gauge",
    description:
      "1 while the projector follows the event stream and a gateway is alive; 0 when down or gone.",
    expr: "max(ocpp_central_up) or vector(0)",
    instant: true,
    grid: { x: 0, y: 0, w: 6, h: 6 },
  },
  {
    id: 2,
    title: "Central Service Resident Memory",
    kind: "timeseries",
    description: "Resident memory of each Levity process Prometheus scrapes.",
    expr: "process_resident_memory_bytes",
    legend: "{{job}} {{instance}}",
    unit: "bytes",
    grid: { x: 6, y: 0, w: 6, h: 6 },
  },
  {
    id: 3,
    title: "Connected Charge Points",
    kind: "stat",
    description: "Charge points with an open session on any gateway.",
    expr: `sum(max by (cp_id) (${cp("ocpp_cp_connected")})) or vector(0)`,
    instant: true,
    grid: { x: 12, y: 0, w: 6, h: 6 },
  },
  {
    id: 4,
    title: "Active Transactions",
    kind: "stat",
    description: "Connectors with a transaction in progress.",
    expr: `sum(max by (cp_id, connector_id) (${cp("ocpp_tx_active")})) or vector(0)`,
    instant: true,
    grid: { x: 18, y: 0, w: 6, h: 6 },
  },
  {
    id: 5,
    title: "Connected Charge Points Over Time (by CP)",
    kind: "timeseries",
    description: "1 while a charge point is connected: gaps and drops show outages.",
    expr: `max by (cp_id) (${cp("ocpp_cp_connected")})`,
    legend: "{{cp_id}}",
    grid: { x: 0, y: 6, w: 12, h: 8 },
  },
  {
    id: 6,
    title: "Active Transactions Over Time (by CP)",
    kind: "timeseries",
    description: "Transactions in progress per charge point.",
    expr: `sum by (cp_id) (max by (cp_id, connector_id) (${cp("ocpp_tx_active")}))`,
    legend: "{{cp_id}}",
    grid: { x: 12, y: 6, w: 12, h: 8 },
  },
  {
    id: 7,
    title: "Number of Boots Over Time (by CP)",
    kind: "barchart",
    description:
      "BootNotifications per interval: reboots, including those in the middle of a charge.",
    expr: perInterval("ocpp_cp_boots_total"),
    legend: "{{cp_id}}",
    grid: { x: 0, y: 14, w: 8, h: 8 },
  },
  {
    id: 8,
    title: "Number of Disconnects Over Time (by CP)",
    kind: "barchart",
    description: "Sessions ended per interval, whatever ended them.",
    expr: perInterval("ocpp_cp_disconnects_total"),
    legend: "{{cp_id}}",
    grid: { x: 8, y: 14, w: 8, h: 8 },
  },
  {
    id: 9,
    title: "Number of Errors Over Time (by CP)",
    kind: "barchart",
    description: "StatusNotifications with an error code per interval, all error types together.",
    expr: `sum by (cp_id) (max by (cp_id, error_type) (${cp("ocpp_cp_errors_total")}) - max by (cp_id, error_type) (${cp("ocpp_cp_errors_total")} offset $__interval))`,
    legend: "{{cp_id}}",
    grid: { x: 16, y: 14, w: 8, h: 8 },
  },
  {
    id: 10,
    title: "Sum of Measured Current Delivered (by CP)",
    kind: "timeseries",
    description:
      "Current.Import of all connectors of each charge point (largest phase when 3-phase).",
    expr: `sum by (cp_id) (max by (cp_id, connector_id) (${cp("ocpp_cp_current_a")}))`,
    legend: "{{cp_id}}",
    unit: "amp",
    grid: { x: 0, y: 22, w: 12, h: 8 },
  },
  {
    id: 11,
    title: "Time Since Last Heartbeat (by CP)",
    kind: "bargauge",
    description:
      "Time since each charge point's last Heartbeat (a busy one may skip them: see the stale-heartbeat alert).",
    expr: `time() - max by (cp_id) (${cp("ocpp_cp_last_heartbeat_ts")})`,
    legend: "{{cp_id}}",
    unit: "dtdurations",
    instant: true,
    grid: { x: 12, y: 22, w: 12, h: 8 },
  },
  {
    id: 12,
    title: "Time Since Last Transaction (by CP)",
    kind: "bargauge",
    description:
      "Time since each charge point's last transaction start or stop (since first seen if none).",
    expr: `time() - max by (cp_id) (${cp("ocpp_cp_last_tx_ts")})`,
    legend: "{{cp_id}}",
    unit: "dtdurations",
    instant: true,
    grid: { x: 0, y: 30, w: 12, h: 8 },
  },
  {
    id: 13,
    title: "Total Reconnects During Transaction (by CP)",
    kind: "bargauge",
    description: "Sessions that ended mid-transaction and came back without a reboot.",
    expr: `max by (cp_id) (${cp("ocpp_cp_reconnect_during_tx_total")})`,
    legend: "{{cp_id}}",
    unit: "short",
    instant: true,
    grid: { x: 12, y: 30, w: 12, h: 8 },
  },
  {
    id: 14,
    title: "Sum of Measured Current Delivered (Total System)",
    kind: "timeseries",
    description: "Current.Import of the whole fleet.",
    expr: `sum(max by (cp_id, connector_id) (${cp("ocpp_cp_current_a")})) or vector(0)`,
    legend: "total",
    unit: "amp",
    grid: { x: 0, y: 38, w: 24, h: 8 },
  },
];

/** The row the command panels sit in, below the 14 seed panels. */
export const COMMANDS_ROW = { title: "Commands", y: 46 } as const;

// Command counters, once across projector replicas (each counts every command).
const commands = (offset = "") =>
  `max by (action, outcome) (levity_commands_total${offset ? ` offset ${offset}` : ""})`;

/** The commands row: what Levity asked charge points to do, and how it went. */
export const COMMAND_PANELS: readonly PanelDefinition[] = [
  {
    id: 15,
    title: "Commands by Outcome",
    kind: "barchart",
    description:
      "Commands that ended in each interval, by outcome: completed (the charger answered, Rejected included), or why not (offline, rejected by a CALLERROR, timed out, ...).",
    expr: `sum by (outcome) (${commands()} - ${commands("$__interval")})`,
    legend: "{{outcome}}",
    unit: "short",
    grid: { x: 0, y: 47, w: 12, h: 8 },
  },
  {
    id: 16,
    title: "Command Duration p50 / p99 (by action)",
    kind: "timeseries",
    description:
      "Time from a command's request to its outcome, as stored: the API, the route to the gateway holding the session, the charger's answer.",
    expr: "histogram_quantile(0.99, max by (le, action) (rate(levity_command_duration_seconds_bucket[5m])))",
    legend: "p99 {{action}}",
    unit: "s",
    grid: { x: 12, y: 47, w: 12, h: 8 },
  },
  {
    id: 17,
    title: "Commands In Flight",
    kind: "stat",
    description: "Commands requested whose outcome is not stored yet.",
    expr: "max(levity_commands_in_flight) or vector(0)",
    instant: true,
    grid: { x: 0, y: 55, w: 6, h: 6 },
  },
  {
    id: 18,
    title: "Failed Commands (by action and reason)",
    kind: "bargauge",
    description:
      "The actions and reasons with the most failed commands since the projector started counting.",
    expr: `sort_desc(topk(10, max by (action, outcome) (levity_commands_total{outcome!="completed"})))`,
    legend: "{{action}} {{outcome}}",
    unit: "short",
    instant: true,
    grid: { x: 6, y: 55, w: 18, h: 6 },
  },
];

/** The operator's section, below the commands: energy, power, connectors and transactions. */
export const OPERATOR_ROW = { title: "Energy, Connectors and Transactions", y: 61 } as const;

// A counter's change over the last day per charge point; one first seen within the day counts
// whole (it started at 0), as in the alerts, so a young Prometheus shows no lifetime totals.
const dayDelta = (metric: string) =>
  `max by (cp_id) ((${cp(metric)} - ${cp(metric)} offset 1d) or (${cp(metric)} and on (cp_id) (time() - ocpp_cp_first_seen_ts < 86400)))`;
// The quantile of a fleet histogram over the last day, once across projector replicas.
const dailyQuantile = (q: number, metric: string) =>
  `histogram_quantile(${q}, max by (le) (increase(${metric}_bucket[1d])))`;

export const OPERATOR_PANELS: readonly PanelDefinition[] = [
  {
    id: 19,
    title: "Energy Delivered (by CP)",
    kind: "barchart",
    description:
      "Energy delivered per interval, from the meter register's increments within transactions (never negative, never counted twice).",
    expr: perInterval("ocpp_cp_energy_delivered_wh_total"),
    legend: "{{cp_id}}",
    unit: "watth",
    grid: { x: 0, y: 62, w: 12, h: 8 },
  },
  {
    id: 20,
    title: "Energy Delivered in the Last Day (Total)",
    kind: "timeseries",
    description: "The fleet's energy delivered over the 24 hours before each point.",
    expr: `sum(${dayDelta("ocpp_cp_energy_delivered_wh_total")})`,
    legend: "energy",
    unit: "watth",
    grid: { x: 12, y: 62, w: 12, h: 8 },
  },
  {
    id: 21,
    title: "Power Now (by CP and connector)",
    kind: "timeseries",
    description:
      "The latest Power.Active.Import of each connector during a transaction; 0 outside one.",
    expr: `max by (cp_id, connector_id) (${cp("ocpp_cp_power_w")})`,
    legend: "{{cp_id}} {{connector_id}}",
    unit: "watt",
    grid: { x: 0, y: 70, w: 12, h: 8 },
  },
  {
    id: 22,
    title: "Connectors by Status",
    kind: "bargauge",
    description: "Connectors of the whole fleet in each status (counted in the projector).",
    expr: "max by (status) (ocpp_connectors_by_status)",
    legend: "{{status}}",
    unit: "short",
    instant: true,
    grid: { x: 12, y: 70, w: 12, h: 8 },
  },
  {
    id: 23,
    title: "Faulted or Unavailable Connectors (for how long)",
    kind: "table",
    description:
      "Each connector now Faulted or Unavailable, and how long since it entered that status.",
    expr: `time() - (max by (cp_id, connector_id) (${cp("ocpp_connector_status_since_ts")}) * on (cp_id, connector_id) group_left (status) max by (cp_id, connector_id, status) (ocpp_connector_status{cp_id=~"$cp_id",status=~"Faulted|Unavailable"} == 1))`,
    legend: "{{cp_id}} {{connector_id}} {{status}}",
    unit: "dtdurations",
    instant: true,
    grid: { x: 0, y: 78, w: 12, h: 8 },
  },
  {
    id: 24,
    title: "Transactions in the Last Day (Total)",
    kind: "timeseries",
    description:
      "Transactions that ended over the 24 hours before each point (stopped, or orphaned by their connector moving on).",
    expr: `sum(${dayDelta("ocpp_transactions_total")})`,
    legend: "transactions",
    unit: "short",
    grid: { x: 12, y: 78, w: 12, h: 8 },
  },
  {
    id: 25,
    title: "Transaction Duration, Median (last day)",
    kind: "timeseries",
    description:
      "How long the transactions that ended in the last day ran, on the chargers' clocks.",
    expr: dailyQuantile(0.5, "ocpp_transaction_duration_seconds"),
    legend: "p50",
    unit: "s",
    grid: { x: 0, y: 86, w: 12, h: 8 },
  },
  {
    id: 26,
    title: "Transaction Energy, Median (last day)",
    kind: "timeseries",
    description: "The energy delivered by the transactions that ended in the last day.",
    expr: dailyQuantile(0.5, "ocpp_transaction_energy_wh"),
    legend: "p50",
    unit: "watth",
    grid: { x: 12, y: 86, w: 12, h: 8 },
  },
];

/** The automations' section, below the operator's: what they decided and whom they hold. */
export const AUTOMATIONS_ROW = { title: "Automations", y: 94 } as const;

// Decision counters, once across projector replicas (each projects every decision).
const decisions = (offset = "") =>
  `max by (automation, outcome) (levity_automation_decisions_total${offset ? ` offset ${offset}` : ""})`;

export const AUTOMATION_PANELS: readonly PanelDefinition[] = [
  {
    id: 27,
    title: "Automation Decisions by Outcome",
    kind: "barchart",
    description:
      "Decisions of the automations (docs/automations.md) that ended in each interval, by automation and outcome: accepted or rejected by the charger, skipped (too late, or a daily limit), failed, unsent. 0 when none run.",
    expr: `sum by (automation, outcome) (${decisions()} - ${decisions("$__interval")}) or vector(0)`,
    legend: "{{automation}} {{outcome}}",
    unit: "short",
    grid: { x: 0, y: 95, w: 16, h: 8 },
  },
  {
    id: 28,
    title: "Quarantined Charge Points",
    kind: "stat",
    description:
      "Charge points an automation set Inoperative for rebooting in a loop, until an operator clears them (levity-admin quarantine clear); the ChargePointQuarantined alert names each.",
    expr: "count(max by (cp_id) (levity_automation_quarantined)) or vector(0)",
    instant: true,
    grid: { x: 16, y: 95, w: 8, h: 8 },
  },
];

/** Every panel below the rows' headers, in the dashboard's order. */
export const ALL_PANELS: readonly PanelDefinition[] = [
  ...PANELS,
  ...COMMAND_PANELS,
  ...OPERATOR_PANELS,
  ...AUTOMATION_PANELS,
];
