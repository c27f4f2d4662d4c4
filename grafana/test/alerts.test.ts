import { describe, expect, it } from "vitest";
import { ALERTS, firingExpr } from "../src/alerts/alert-definitions.js";
import { ALERT_FOLDER, provisionedRules, rulerApiBody } from "../src/alerts/grafana-rules.js";
import { prometheusRules } from "../src/alerts/prometheus-rules.js";
import { PROMETHEUS_UID } from "../src/datasource.js";

const CP_ALERTS = [
  "Charge Point Multiple Reboots",
  "Charge Point Multiple Disconnects",
  "Charge Point Error Detected",
  "Charge Point Stale Heartbeat",
  "Charge Point Stale Transaction",
  "Charge Point Reboot During Transaction",
];

describe("alert definitions", () => {
  it("define the six charge-point alerts, each per cp_id with a severity, plus the gateway, projector and storm alerts, then the connectors' and the automations'", () => {
    expect(ALERTS.slice(0, 6).map((a) => a.title)).toEqual(CP_ALERTS);
    for (const alert of ALERTS.slice(0, 6)) {
      expect(alert.expr, alert.title).toMatch(/by \(cp_id/);
      expect(alert.summary, alert.title).toContain("{cp_id}");
    }
    expect(ALERTS.slice(6).map((a) => a.name)).toEqual([
      "LevityGatewayDown",
      "LevityProjectorNotReady",
      "LevityDisconnectStorm",
      "ConnectorFaulted",
      "ConnectorUnavailable",
      "ChargePointDeliversNoEnergy",
      "ChargePointQuarantined",
    ]);
    expect(new Set(ALERTS.map((a) => a.uid)).size).toBe(ALERTS.length);
  });

  it("never extrapolate counters with increase() or rate()", () => {
    for (const alert of ALERTS)
      expect(alert.expr, alert.title).not.toMatch(/\b(increase|rate|irate)\(/);
  });
});

describe("the three renderings", () => {
  const prometheus = prometheusRules().groups[0]?.rules ?? [];
  const provisioned = provisionedRules().groups[0]?.rules ?? [];
  const ruler = rulerApiBody().rules;

  it("carry every alert once, with the same duration and severity", () => {
    expect(prometheus.map((r) => r.alert)).toEqual(ALERTS.map((a) => a.name));
    expect(provisioned.map((r) => r.title)).toEqual(ALERTS.map((a) => a.title));
    expect(ruler.map((r) => r.grafana_alert.title)).toEqual(ALERTS.map((a) => a.title));
    ALERTS.forEach((alert, i) => {
      expect(prometheus[i]?.for).toBe(alert.for);
      expect(provisioned[i]?.for).toBe(alert.for);
      expect(ruler[i]?.for).toBe(alert.for);
      expect(prometheus[i]?.labels).toEqual({ severity: alert.severity });
      expect(provisioned[i]?.labels).toEqual({ severity: alert.severity });
      expect(prometheus[i]?.expr).toBe(firingExpr(alert));
    });
  });

  it("give Grafana query A in Prometheus and a threshold B on it, matching the Prometheus condition", () => {
    ALERTS.forEach((alert, i) => {
      const rule = provisioned[i];
      expect(rule?.condition).toBe("B");
      const [a, b] = rule?.data ?? [];
      expect(a).toMatchObject({
        refId: "A",
        datasourceUid: PROMETHEUS_UID,
        model: { expr: alert.expr, instant: true },
      });
      expect(b).toMatchObject({
        refId: "B",
        datasourceUid: "__expr__",
        model: {
          type: "threshold",
          expression: "A",
          conditions: [
            { evaluator: { type: alert.op === ">" ? "gt" : "lt", params: [alert.threshold] } },
          ],
        },
      });
      expect(ruler[i]?.grafana_alert).toMatchObject({
        uid: alert.uid,
        condition: "B",
        no_data_state: "OK",
        exec_err_state: "Error",
      });
      expect(JSON.stringify(ruler[i]?.grafana_alert.data)).toBe(JSON.stringify(rule?.data));
    });
  });

  it("fill every placeholder with the format's own template syntax", () => {
    for (const rule of prometheus) {
      expect(rule.annotations.summary).not.toMatch(/\{[a-z_|]+\}/);
      expect(rule.annotations.summary + rule.annotations.description).not.toContain("$values");
    }
    for (const rule of provisioned) {
      const text = `${rule.annotations?.summary} ${rule.annotations?.description}`;
      expect(text).not.toMatch(/\{[a-z_|]+\}/);
      expect(text).not.toMatch(/\$value\b/);
    }
    expect(prometheus[0]?.annotations.summary).toBe(
      "Charge point {{ $labels.cp_id }} rebooted {{ $value }} times in the last day",
    );
    expect(provisioned[0]?.annotations?.summary).toBe(
      "Charge point {{ $labels.cp_id }} rebooted {{ $values.A.Value }} times in the last day",
    );
  });

  it("put the Grafana rules in one folder and group", () => {
    expect(provisionedRules().groups[0]).toMatchObject({
      orgId: 1,
      name: "ocpp-alerts",
      folder: ALERT_FOLDER.title,
      interval: "1m",
    });
    expect(rulerApiBody()).toMatchObject({ name: "ocpp-alerts", interval: "1m" });
  });
});
