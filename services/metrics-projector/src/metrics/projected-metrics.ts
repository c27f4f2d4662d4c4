import { COMMAND_FAILURES } from "@levity/events";
import { DECISION_OUTCOMES, decisionOutcomeKey } from "../state/automations.js";
import { plannedInoperative } from "../state/availability.js";
import { CONNECTOR_STATUSES } from "../state/charge-points.js";
import { COMMAND_ACTIONS, COMMAND_DURATION_BUCKETS, outcomeKey } from "../state/commands.js";
import {
  type CpState,
  type Histogram,
  type ProjectionState,
  TRANSACTION_DURATION_BUCKETS,
  TRANSACTION_ENERGY_BUCKETS,
} from "../state/projection-state.js";
import { labelValue } from "./label-value.js";
import { wattHours } from "./watt-hours.js";

/** A metric family the projector derives from its state: what dashboards and alerts may read. */
export interface ProjectedMetric {
  readonly name: string;
  readonly type: "gauge" | "counter" | "histogram";
  readonly help: string;
  readonly labels: readonly string[];
}

/** What the fleet-wide families read: the state, and whether the projector follows the stream. */
export interface ProjectionView {
  readonly state: ProjectionState;
  readonly connected: boolean;
}

/** A family with one or more series per charge point; `cp` is the escaped `cp_id="…"` label. */
export interface CpFamily extends ProjectedMetric {
  write(out: string[], cp: string, state: CpState): void;
}

/** A family of fleet-wide series. */
export interface FleetFamily extends ProjectedMetric {
  write(out: string[], view: ProjectionView): void;
}

const seconds = (ms: number) => ms / 1000;

function anyGatewayUp(state: ProjectionState): boolean {
  for (const gateway of state.gateways.values()) if (gateway.up) return true;
  return false;
}

/** Appended to the fleet-wide families: what the projection's limits made it drop. */
const DROPPED: FleetFamily = {
  name: "levity_projector_dropped_total",
  type: "counter",
  help: "Events of charge points beyond --max-charge-points, and new error codes beyond --max-error-types, not kept",
  labels: ["reason"],
  write: (out, view) => {
    out.push(
      `levity_projector_dropped_total{reason="charge-point-limit"} ${view.state.dropped.chargePoints}`,
    );
    out.push(
      `levity_projector_dropped_total{reason="error-type-limit"} ${view.state.dropped.errorTypes}`,
    );
  },
};

/** How a command can end, as counted: its answer, a stored failure, or never answered (`lost`). */
const COMMAND_OUTCOMES = ["completed", ...COMMAND_FAILURES, "lost"] as const;

/** Commands by action and outcome, and how long they took: every action pre-created at 0. */
const COMMANDS: readonly FleetFamily[] = [
  {
    name: "levity_commands_total",
    type: "counter",
    help: "Commands sent to charge points that ended, by action and outcome (completed, a failure reason, or lost: never answered)",
    labels: ["action", "outcome"],
    write: (out, view) => {
      const { outcomes } = view.state.commands;
      for (const action of COMMAND_ACTIONS) {
        for (const outcome of COMMAND_OUTCOMES) {
          const count = outcomes.get(outcomeKey(action, outcome)) ?? 0;
          out.push(`levity_commands_total{action="${action}",outcome="${outcome}"} ${count}`);
        }
      }
    },
  },
  {
    name: "levity_command_duration_seconds",
    type: "histogram",
    help: "Time from a command's request to its outcome, as the events record it, by action",
    labels: ["action"],
    write: (out, view) => {
      for (const action of COMMAND_ACTIONS) {
        const durations = view.state.commands.durations.get(action);
        COMMAND_DURATION_BUCKETS.forEach((le, index) => {
          const count = durations?.buckets[index] ?? 0;
          out.push(
            `levity_command_duration_seconds_bucket{action="${action}",le="${le}"} ${count}`,
          );
        });
        const count = durations?.count ?? 0;
        out.push(`levity_command_duration_seconds_bucket{action="${action}",le="+Inf"} ${count}`);
        out.push(`levity_command_duration_seconds_sum{action="${action}"} ${durations?.sum ?? 0}`);
        out.push(`levity_command_duration_seconds_count{action="${action}"} ${count}`);
      }
    },
  },
  {
    name: "levity_commands_in_flight",
    type: "gauge",
    help: "Commands requested whose outcome is not stored yet",
    labels: [],
    write: (out, view) =>
      out.push(`levity_commands_in_flight ${view.state.commands.inFlight.size}`),
  },
];

/** A histogram family without labels, from a state histogram kept in thousandths of its unit. */
function fleetHistogram(
  name: string,
  help: string,
  bounds: readonly number[],
  of: (view: ProjectionView) => Histogram,
): FleetFamily {
  return {
    name,
    type: "histogram",
    help,
    labels: [],
    write: (out, view) => {
      const histogram = of(view);
      bounds.forEach((le, index) => {
        out.push(`${name}_bucket{le="${le}"} ${histogram.buckets[index] ?? 0}`);
      });
      out.push(`${name}_bucket{le="+Inf"} ${histogram.count}`);
      out.push(`${name}_sum ${histogram.sum / 1000}`);
      out.push(`${name}_count ${histogram.count}`);
    },
  };
}

/** Transactions the charge points stopped: how long they ran and what they delivered. */
const TRANSACTIONS: readonly FleetFamily[] = [
  fleetHistogram(
    "ocpp_transaction_duration_seconds",
    "Duration of the transactions charge points stopped, on their clocks, seconds",
    TRANSACTION_DURATION_BUCKETS,
    (view) => view.state.transactions.durations,
  ),
  fleetHistogram(
    "ocpp_transaction_energy_wh",
    "Energy delivered by the transactions charge points stopped, Wh",
    TRANSACTION_ENERGY_BUCKETS,
    (view) => view.state.transactions.energy,
  ),
];

/** Roll-ups for the dashboard's top row: counted here, so no query scans every charge point. */
const ROLL_UPS: readonly FleetFamily[] = [
  {
    name: "ocpp_connectors_by_status",
    type: "gauge",
    help: "Connectors in each status of the fixed set, fleet-wide",
    labels: ["status"],
    write: (out, view) => {
      const counts = new Map<string, number>(CONNECTOR_STATUSES.map((status) => [status, 0]));
      for (const cp of view.state.cps.values()) {
        for (const connector of Object.values(cp.connectors)) {
          const status = connector.status;
          if (status !== undefined) counts.set(status, (counts.get(status) ?? 0) + 1);
        }
      }
      for (const [status, count] of counts)
        out.push(`ocpp_connectors_by_status{status="${status}"} ${count}`);
    },
  },
  {
    name: "ocpp_charge_points",
    type: "gauge",
    help: "Charge points by the protocol of their latest session and the vendor and firmware of their latest boot (empty until known)",
    labels: ["protocol", "vendor", "firmware"],
    write: (out, view) => {
      const counts = new Map<string, number>();
      for (const cp of view.state.cps.values()) {
        const labels = `protocol="${labelValue(cp.protocol ?? "")}",vendor="${labelValue(cp.info?.vendor ?? "")}",firmware="${labelValue(cp.info?.firmware ?? "")}"`;
        counts.set(labels, (counts.get(labels) ?? 0) + 1);
      }
      for (const [labels, count] of counts) out.push(`ocpp_charge_points{${labels}} ${count}`);
    },
  },
];

/** What automations decided, and the charge points their decisions hold in quarantine. */
const AUTOMATIONS: readonly FleetFamily[] = [
  {
    name: "levity_automation_decisions_total",
    type: "counter",
    help: "Automations' decisions by how they ended: skipped (too late, or a limit), accepted or rejected by the charger, failed (timed out, refused, offline at every attempt...), unsent (no command by its deadline)",
    labels: ["automation", "outcome"],
    write: (out, view) => {
      const { outcomes } = view.state.automations;
      const automations = new Set([...outcomes.keys()].map((key) => key.split("\t")[0] ?? ""));
      for (const automation of [...automations].sort()) {
        const label = labelValue(automation);
        for (const outcome of DECISION_OUTCOMES) {
          const count = outcomes.get(decisionOutcomeKey(automation, outcome)) ?? 0;
          out.push(
            `levity_automation_decisions_total{automation="${label}",outcome="${outcome}"} ${count}`,
          );
        }
      }
    },
  },
  {
    name: "levity_automation_quarantined",
    type: "gauge",
    help: "1 for each charge point an automation's decision holds in quarantine (set Inoperative) until an operator clears it",
    labels: ["cp_id", "automation"],
    write: (out, view) => {
      for (const [cpId, automations] of view.state.automations.cps) {
        if (!automations.quarantine) continue;
        out.push(
          `levity_automation_quarantined{cp_id="${labelValue(cpId)}",automation="${labelValue(automations.quarantine.automation)}"} 1`,
        );
      }
    },
  },
];

/** The fleet-wide families. */
export const FLEET_FAMILIES: readonly FleetFamily[] = [
  {
    name: "ocpp_central_up",
    type: "gauge",
    help: "1 while the projector follows the event stream and at least one gateway is alive, else 0",
    labels: [],
    write: (out, view) =>
      out.push(`ocpp_central_up ${view.connected && anyGatewayUp(view.state) ? 1 : 0}`),
  },
  {
    name: "ocpp_gateway_up",
    type: "gauge",
    help: "1 while the gateway's alive events are fresh; 0 after it stopped or was declared lost",
    labels: ["gateway_id"],
    write: (out, view) => {
      for (const [id, gateway] of view.state.gateways) {
        out.push(`ocpp_gateway_up{gateway_id="${labelValue(id)}"} ${gateway.up ? 1 : 0}`);
      }
    },
  },
  {
    name: "levity_projector_transactions_orphaned_total",
    type: "counter",
    help: "Transactions ended without a StopTransaction (connector Available/Preparing or a new start)",
    labels: [],
    write: (out, view) =>
      out.push(`levity_projector_transactions_orphaned_total ${view.state.orphanedTransactions}`),
  },
  DROPPED,
  ...COMMANDS,
  ...TRANSACTIONS,
  ...ROLL_UPS,
  ...AUTOMATIONS,
];

/** The end of a state-set line, after its status label's opening quote. */
const statusLineEnds = (value: 0 | 1) =>
  Object.fromEntries(
    CONNECTOR_STATUSES.map((status) => [status, `${status}"} ${value}`]),
  ) as Record<(typeof CONNECTOR_STATUSES)[number], string>;
const STATUS_IS = statusLineEnds(1);
const STATUS_IS_NOT = statusLineEnds(0);

/** The per-charge-point families, with the exact names the dashboard and alerts use. */
export const CP_FAMILIES: readonly CpFamily[] = [
  {
    name: "ocpp_cp_connected",
    type: "gauge",
    help: "1 while the charge point has an open session on any gateway, else 0",
    labels: ["cp_id"],
    write: (out, cp, s) => out.push(`ocpp_cp_connected{${cp}} ${s.sessions.length > 0 ? 1 : 0}`),
  },
  {
    name: "ocpp_tx_active",
    type: "gauge",
    help: "1 while a transaction is active on the connector, else 0",
    labels: ["cp_id", "connector_id"],
    write: (out, cp, s) => {
      for (const [id, connector] of Object.entries(s.connectors)) {
        out.push(
          `ocpp_tx_active{${cp},connector_id="${labelValue(id)}"} ${connector.transaction ? 1 : 0}`,
        );
      }
    },
  },
  {
    name: "ocpp_cp_boots_total",
    type: "counter",
    help: "BootNotifications received",
    labels: ["cp_id"],
    write: (out, cp, s) => out.push(`ocpp_cp_boots_total{${cp}} ${s.boots}`),
  },
  {
    name: "ocpp_cp_disconnects_total",
    type: "counter",
    help: "Sessions that ended, whatever the cause (closed, ping timeout, replaced, gateway shutdown or lost)",
    labels: ["cp_id"],
    write: (out, cp, s) => out.push(`ocpp_cp_disconnects_total{${cp}} ${s.disconnects}`),
  },
  {
    name: "ocpp_cp_errors_total",
    type: "counter",
    help: "Faults raised, by code: 1.6 StatusNotification errorCode other than NoError; 2.0.1 NotifyEvent Problem (its techCode, else the component) or a Faulted connector (Faulted)",
    labels: ["cp_id", "error_type"],
    write: (out, cp, s) => {
      for (const [type, count] of Object.entries(s.errors)) {
        out.push(`ocpp_cp_errors_total{${cp},error_type="${labelValue(type)}"} ${count}`);
      }
    },
  },
  {
    name: "ocpp_cp_last_error_ts",
    type: "gauge",
    help: "Unix seconds of the last fault raised with this code",
    labels: ["cp_id", "error_type"],
    write: (out, cp, s) => {
      for (const [type, at] of Object.entries(s.lastErrorAt)) {
        out.push(`ocpp_cp_last_error_ts{${cp},error_type="${labelValue(type)}"} ${seconds(at)}`);
      }
    },
  },
  {
    name: "ocpp_cp_current_a",
    type: "gauge",
    help: "Latest measured Current.Import in amperes (un-phased, else the largest phase); 0 once the transaction ends",
    labels: ["cp_id", "connector_id"],
    write: (out, cp, s) => {
      for (const [id, connector] of Object.entries(s.connectors)) {
        out.push(`ocpp_cp_current_a{${cp},connector_id="${labelValue(id)}"} ${connector.currentA}`);
      }
    },
  },
  {
    name: "ocpp_cp_last_heartbeat_ts",
    type: "gauge",
    help: "Unix seconds of the last Heartbeat",
    labels: ["cp_id"],
    write: (out, cp, s) => {
      if (s.lastHeartbeatAt !== null)
        out.push(`ocpp_cp_last_heartbeat_ts{${cp}} ${seconds(s.lastHeartbeatAt)}`);
    },
  },
  {
    name: "ocpp_cp_first_seen_ts",
    type: "gauge",
    help: "Unix seconds of the charge point's first event: its counters count from then",
    labels: ["cp_id"],
    write: (out, cp, s) => out.push(`ocpp_cp_first_seen_ts{${cp}} ${seconds(s.firstSeenAt)}`),
  },
  {
    name: "ocpp_cp_last_seen_ts",
    type: "gauge",
    help: "Unix seconds of the last message of any kind from the charge point",
    labels: ["cp_id"],
    write: (out, cp, s) => out.push(`ocpp_cp_last_seen_ts{${cp}} ${seconds(s.lastSeenAt)}`),
  },
  {
    name: "ocpp_cp_last_tx_ts",
    type: "gauge",
    help: "Unix seconds of the latest transaction start or stop; the first-seen time before any",
    labels: ["cp_id"],
    write: (out, cp, s) => out.push(`ocpp_cp_last_tx_ts{${cp}} ${seconds(s.lastTransactionAt)}`),
  },
  {
    name: "ocpp_cp_reconnect_during_tx_total",
    type: "counter",
    help: "New sessions of a charge point whose previous session ended during an active transaction (reboots excluded)",
    labels: ["cp_id"],
    write: (out, cp, s) =>
      out.push(`ocpp_cp_reconnect_during_tx_total{${cp}} ${s.reconnectsDuringTx}`),
  },
  {
    name: "ocpp_cp_boots_during_tx_total",
    type: "counter",
    help: "BootNotifications received while the charge point had an active transaction",
    labels: ["cp_id"],
    write: (out, cp, s) => out.push(`ocpp_cp_boots_during_tx_total{${cp}} ${s.bootsDuringTx}`),
  },
  {
    name: "ocpp_cp_info",
    type: "gauge",
    help: "1, labelled with vendor, model and firmware from the latest BootNotification and the OCPP protocol of the latest session",
    labels: ["cp_id", "vendor", "model", "firmware", "protocol"],
    write: (out, cp, s) => {
      if (!s.info) return;
      const { vendor, model, firmware } = s.info;
      out.push(
        `ocpp_cp_info{${cp},vendor="${labelValue(vendor)}",model="${labelValue(model)}",firmware="${labelValue(firmware)}",protocol="${labelValue(s.protocol ?? "")}"} 1`,
      );
    },
  },
  {
    name: "ocpp_cp_energy_delivered_wh_total",
    type: "counter",
    help: "Energy delivered in transactions, Wh: the import register's increments (never negative, never twice; see docs/metrics.md)",
    labels: ["cp_id"],
    write: (out, cp, s) =>
      out.push(`ocpp_cp_energy_delivered_wh_total{${cp}} ${wattHours(s.energyWh)}`),
  },
  {
    name: "ocpp_cp_power_w",
    type: "gauge",
    help: "Latest Power.Active.Import in watts during a transaction (un-phased, else the phases' sum); 0 outside one",
    labels: ["cp_id", "connector_id"],
    write: (out, cp, s) => {
      for (const [id, connector] of Object.entries(s.connectors)) {
        out.push(`ocpp_cp_power_w{${cp},connector_id="${labelValue(id)}"} ${connector.powerW}`);
      }
    },
  },
  {
    name: "ocpp_connector_status",
    type: "gauge",
    help: "A state set: 1 for the connector's current status, 0 for the others of the fixed set (1.6's and 2.0.1's statuses)",
    labels: ["cp_id", "connector_id", "status"],
    write: (out, cp, s) => {
      for (const [id, connector] of Object.entries(s.connectors)) {
        if (connector.status === undefined) continue;
        // Ten lines per connector, the largest family: each line is its prefix and a constant.
        const prefix = `ocpp_connector_status{${cp},connector_id="${labelValue(id)}",status="`;
        for (const status of CONNECTOR_STATUSES)
          out.push(
            prefix + (connector.status === status ? STATUS_IS[status] : STATUS_IS_NOT[status]),
          );
      }
    },
  },
  {
    name: "ocpp_connector_status_since_ts",
    type: "gauge",
    help: "Unix seconds when the connector entered its current status (the gateway's receive time)",
    labels: ["cp_id", "connector_id"],
    write: (out, cp, s) => {
      for (const [id, connector] of Object.entries(s.connectors)) {
        if (connector.statusSince === undefined) continue;
        out.push(
          `ocpp_connector_status_since_ts{${cp},connector_id="${labelValue(id)}"} ${seconds(connector.statusSince)}`,
        );
      }
    },
  },
  {
    name: "ocpp_connector_inoperative_planned",
    type: "gauge",
    help: "1 while an accepted ChangeAvailability set the connector (or its whole charge point) Inoperative and none set it Operative since: an Unavailable connector that is maintenance, not an incident",
    labels: ["cp_id", "connector_id"],
    write: (out, cp, s) => {
      for (const [id, connector] of Object.entries(s.connectors)) {
        if (connector.status === undefined) continue;
        out.push(
          `ocpp_connector_inoperative_planned{${cp},connector_id="${labelValue(id)}"} ${plannedInoperative(s, id) ? 1 : 0}`,
        );
      }
    },
  },
  {
    name: "ocpp_transactions_total",
    type: "counter",
    help: "Transactions that ended: stopped by the charge point, or orphaned by its connector moving on",
    labels: ["cp_id"],
    write: (out, cp, s) => out.push(`ocpp_transactions_total{${cp}} ${s.transactions}`),
  },
];

/** Every projected family, for documentation and for checking dashboards against what is exported. */
export const PROJECTED_METRICS: readonly ProjectedMetric[] = [
  ...FLEET_FAMILIES,
  ...CP_FAMILIES,
].map(({ name, type, help, labels }) => ({ name, type, help, labels }));
