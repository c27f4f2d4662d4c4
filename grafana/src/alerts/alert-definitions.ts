/**
 * Text with placeholders: `{cp_id}`, `{gateway_id}`, `{error_type}` (labels), `{value}`, and the
 * value humanised as `{value|duration}` or `{value|percent}`.
 */
export type AlertText = string;

/**
 * One alert, defined once; the Prometheus rules, the Grafana file-provisioned rules and the
 * Grafana ruler-API body are all rendered from it. It fires for every series where
 * `expr <op> threshold` holds for `for`.
 */
export interface AlertDefinition {
  readonly uid: string;
  /** Prometheus alert name (CamelCase). */
  readonly name: string;
  /** Grafana rule title. */
  readonly title: string;
  readonly expr: string;
  readonly op: ">" | "<";
  readonly threshold: number;
  readonly for: string;
  readonly severity: "critical" | "warning" | "info";
  readonly summary: AlertText;
  readonly description: AlertText;
}

// Counters are compared with their value a day ago, exactly: `increase()` extrapolates, so a
// single reboot can read as 1.5 and cross a "more than 1" threshold. A charge point first seen
// within the day has no value a day ago; its counters started at 0 then, so its whole count is
// the day's. One seen earlier but missing from Prometheus a day ago (a Prometheus younger than a
// day) is left out rather than alerted on its lifetime total. `max by` merges projector replicas.
const dayDelta = (metric: string) =>
  `max by (cp_id) ((${metric} - ${metric} offset 1d) or (${metric} and on (cp_id) (time() - ocpp_cp_first_seen_ts < 86400)))`;
const connectedNow = "max by (cp_id) (ocpp_cp_connected) == 0";
const energy = (offset?: string) =>
  `max by (cp_id) (ocpp_cp_energy_delivered_wh_total${offset ? ` offset ${offset}` : ""})`;
const connectedBefore = "max by (cp_id) (ocpp_cp_connected offset 5m) == 1";

/** The six charge-point alerts, the three that watch Levity itself, the connectors' alerts, then the automations'. */
export const ALERTS: readonly AlertDefinition[] = [
  {
    uid: "levity-cp-multiple-reboots",
    name: "ChargePointMultipleReboots",
    title: "Charge Point Multiple Reboots",
    expr: dayDelta("ocpp_cp_boots_total"),
    op: ">",
    threshold: 1,
    for: "0m",
    severity: "warning",
    summary: "Charge point {cp_id} rebooted {value} times in the last day",
    description:
      "More than one BootNotification from {cp_id} within 24 hours: check its power supply and firmware.",
  },
  {
    uid: "levity-cp-multiple-disconnects",
    name: "ChargePointMultipleDisconnects",
    title: "Charge Point Multiple Disconnects",
    expr: dayDelta("ocpp_cp_disconnects_total"),
    op: ">",
    threshold: 1,
    for: "0m",
    severity: "warning",
    summary: "Charge point {cp_id} lost its connection {value} times in the last day",
    description:
      "More than one session of {cp_id} ended within 24 hours: check its network (cellular signal, router).",
  },
  {
    uid: "levity-cp-error-detected",
    name: "ChargePointErrorDetected",
    title: "Charge Point Error Detected",
    // An error-type series is born at 1 when first reported, so its time, not its count, tells.
    expr: "time() - max by (cp_id, error_type) (ocpp_cp_last_error_ts)",
    op: "<",
    threshold: 3_600,
    for: "0m",
    severity: "warning",
    summary: "Charge point {cp_id} reported {error_type}",
    description:
      "{cp_id} reported the fault {error_type} {value|duration} ago (1.6: a StatusNotification errorCode; 2.0.1: a NotifyEvent problem or a Faulted connector).",
  },
  {
    uid: "levity-cp-stale-heartbeat",
    name: "ChargePointStaleHeartbeat",
    title: "Charge Point Stale Heartbeat",
    // Any message is proof of life: OCPP lets a busy charge point skip heartbeats.
    expr: "time() - max by (cp_id) (ocpp_cp_last_seen_ts)",
    op: ">",
    threshold: 86_400,
    for: "5m",
    severity: "critical",
    summary: "Charge point {cp_id} has been silent for over a day",
    description: "No message of any kind from {cp_id} for {value|duration}.",
  },
  {
    uid: "levity-cp-stale-transaction",
    name: "ChargePointStaleTransaction",
    title: "Charge Point Stale Transaction",
    expr: "time() - max by (cp_id) (ocpp_cp_last_tx_ts)",
    op: ">",
    threshold: 1_209_600,
    for: "1h",
    severity: "info",
    summary: "Charge point {cp_id} has had no transaction for two weeks",
    description:
      "The last transaction of {cp_id} started or stopped {value|duration} ago (a new charge point counts from when it was first seen).",
  },
  {
    uid: "levity-cp-reboot-during-transaction",
    name: "ChargePointRebootDuringTransaction",
    title: "Charge Point Reboot During Transaction",
    expr: dayDelta("ocpp_cp_boots_during_tx_total"),
    op: ">",
    threshold: 0,
    for: "0m",
    severity: "critical",
    summary: "Charge point {cp_id} rebooted during a transaction",
    description:
      "{cp_id} sent a BootNotification while a transaction was active ({value} times in the last day): a customer's session was cut.",
  },
  {
    uid: "levity-gateway-down",
    name: "LevityGatewayDown",
    title: "Levity Gateway Down",
    expr: "max by (gateway_id) (ocpp_gateway_up)",
    op: "<",
    threshold: 1,
    for: "1m",
    severity: "critical",
    summary: "Gateway {gateway_id} is down",
    description:
      "Gateway {gateway_id} stopped or stopped sending alive events; its charge points were disconnected. A gateway removed on purpose stays at 0: silence it.",
  },
  {
    uid: "levity-projector-not-ready",
    name: "LevityProjectorNotReady",
    title: "Levity Projector Not Ready Or Lagging",
    // Ready and caught up is 0; not ready (or gone) or more than 10,000 messages behind is 1.
    expr: "((1 - max(levity_projector_ready)) or vector(1)) + ((max(levity_projector_consumer_lag_messages) > bool 10000) or vector(0))",
    op: ">",
    threshold: 0,
    for: "5m",
    severity: "critical",
    summary: "The metrics projector is not ready or is falling behind the event stream",
    description:
      "The projector is replaying, cut off from NATS, gone, or more than 10,000 messages behind: the fleet metrics are stale.",
  },
  {
    uid: "levity-disconnect-storm",
    name: "LevityDisconnectStorm",
    title: "Levity Fleet Disconnect Storm",
    // Of the charge points connected 5 minutes ago (at least 10 of them), the share now disconnected.
    expr: `(count(${connectedBefore} and ${connectedNow}) / on () count(${connectedBefore})) and on () (count(${connectedBefore}) >= 10)`,
    op: ">",
    threshold: 0.2,
    for: "0m",
    severity: "critical",
    summary: "{value|percent} of the connected charge points dropped within 5 minutes",
    description:
      "More than 20% of the charge points connected 5 minutes ago are disconnected now: a gateway, network or load-balancer failure.",
  },
  {
    uid: "levity-connector-faulted",
    name: "ConnectorFaulted",
    title: "Connector Faulted",
    // Since when, from the projector: right even just after Prometheus (re)starts.
    expr: 'time() - max by (cp_id, connector_id) (ocpp_connector_status_since_ts and on (cp_id, connector_id) (max by (cp_id, connector_id) (ocpp_connector_status{status="Faulted"}) == 1))',
    op: ">",
    threshold: 900,
    for: "0m",
    severity: "warning",
    summary: "Connector {connector_id} of {cp_id} has been Faulted for {value|duration}",
    description:
      "{cp_id} reported connector {connector_id} Faulted {value|duration} ago and nothing since: a customer cannot charge there.",
  },
  {
    uid: "levity-connector-unavailable",
    name: "ConnectorUnavailable",
    title: "Connector Unavailable",
    // Maintenance an operator asked for (an accepted ChangeAvailability Inoperative) is not an
    // incident. The 5 minutes leave a charger set Operative again the time to report Available.
    expr: 'time() - max by (cp_id, connector_id) (ocpp_connector_status_since_ts and on (cp_id, connector_id) (max by (cp_id, connector_id) (ocpp_connector_status{status="Unavailable"}) == 1) unless on (cp_id, connector_id) (max by (cp_id, connector_id) (ocpp_connector_inoperative_planned) == 1))',
    op: ">",
    threshold: 3600,
    for: "5m",
    severity: "warning",
    summary: "Connector {connector_id} of {cp_id} has been Unavailable for {value|duration}",
    description:
      "{cp_id} reported connector {connector_id} Unavailable {value|duration} ago, and no accepted ChangeAvailability asked for it: the charger took itself out of service.",
  },
  {
    uid: "levity-cp-no-energy",
    name: "ChargePointDeliversNoEnergy",
    title: "Charge Point Delivers No Energy",
    // A silently broken charger: online and offering a free connector, yet no energy for 7 days,
    // where the 30 days before it delivered some. The value is what it delivered then. The week's
    // window is its own hysteresis: no `for` needed.
    expr: `(${energy("7d")} - ${energy("37d")}) and on (cp_id) ((${energy()} - ${energy("7d")}) == 0) and on (cp_id) (max by (cp_id) (ocpp_cp_connected) == 1) and on (cp_id) (max by (cp_id) (ocpp_connector_status{status="Available"}) == 1)`,
    op: ">",
    threshold: 0,
    for: "0m",
    severity: "warning",
    summary: "Charge point {cp_id} has delivered no energy for 7 days",
    description:
      "{cp_id} is connected and has a connector Available, but delivered no energy in the last 7 days, after {value} Wh in the 30 days before: check it can really charge.",
  },
  {
    uid: "levity-cp-quarantined",
    name: "ChargePointQuarantined",
    title: "Charge Point Quarantined",
    // An automation took the charger out of service (quarantine-reboot-loop): someone must look,
    // and clear it. It stays until cleared, so no `for`.
    expr: "max by (cp_id, automation) (levity_automation_quarantined)",
    op: ">",
    threshold: 0,
    for: "0m",
    severity: "warning",
    summary: "Charge point {cp_id} is quarantined by automation {automation}",
    description:
      "Automation {automation} set {cp_id} Inoperative (it rebooted in a loop). Find out why, then put it back in service: levity-admin quarantine clear {cp_id}.",
  },
];

/** The expression that holds while the alert fires. */
export function firingExpr(alert: AlertDefinition): string {
  return `(${alert.expr}) ${alert.op} ${alert.threshold}`;
}
