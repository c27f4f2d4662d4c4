import { ALERTS, firingExpr } from "./alert-definitions.js";
import { PROMETHEUS_TEMPLATES, renderText } from "./alert-text.js";

/** The group name shared by every rendering of the alerts. */
export const RULE_GROUP = "ocpp-alerts";
/** How often the rules are evaluated. */
export const EVALUATION_INTERVAL = "1m";

/** The alerts as a Prometheus rule file (deploy/prometheus/rules/ocpp-alerts.yml). */
export function prometheusRules() {
  return {
    groups: [
      {
        name: RULE_GROUP,
        interval: EVALUATION_INTERVAL,
        rules: ALERTS.map((alert) => ({
          alert: alert.name,
          expr: firingExpr(alert),
          for: alert.for,
          labels: { severity: alert.severity },
          annotations: {
            summary: renderText(alert.summary, PROMETHEUS_TEMPLATES),
            description: renderText(alert.description, PROMETHEUS_TEMPLATES),
          },
        })),
      },
    ],
  };
}
