import { QueryBuilder, type Rule, RuleBuilder } from "@grafana/grafana-foundation-sdk/alerting";
import type { Builder, Dataquery } from "@grafana/grafana-foundation-sdk/cog";
import { DataqueryBuilder } from "@grafana/grafana-foundation-sdk/prometheus";
import { PROMETHEUS_UID } from "../datasource.js";
import { ALERTS, type AlertDefinition } from "./alert-definitions.js";
import { GRAFANA_TEMPLATES, renderText } from "./alert-text.js";
import { EVALUATION_INTERVAL, RULE_GROUP } from "./prometheus-rules.js";

/** The folder the rules live in (its uid is the ruler API's namespace from Grafana 10.4). */
export const ALERT_FOLDER = { uid: "levity-ocpp", title: "OCPP" };

/** The model of a Grafana server-side threshold expression over query A. */
interface ThresholdModel extends Dataquery {
  readonly refId: "B";
  readonly type: "threshold";
  readonly expression: "A";
  readonly datasource: { readonly type: "__expr__"; readonly uid: "__expr__" };
  readonly conditions: readonly { evaluator: { type: "gt" | "lt"; params: number[] } }[];
}

// Server-side expressions have no SDK builder; this one supplies the `__expr__` model.
class ThresholdExpression implements Builder<Dataquery> {
  readonly #alert: AlertDefinition;
  constructor(alert: AlertDefinition) {
    this.#alert = alert;
  }
  build(): ThresholdModel {
    return {
      refId: "B",
      type: "threshold",
      expression: "A",
      datasource: { type: "__expr__", uid: "__expr__" },
      conditions: [
        {
          evaluator: {
            type: this.#alert.op === ">" ? "gt" : "lt",
            params: [this.#alert.threshold],
          },
        },
      ],
      _implementsDataqueryVariant() {},
    };
  }
}

/** One alert as a Grafana-managed rule (SDK types): query A in Prometheus, threshold B on it. */
export function grafanaRule(alert: AlertDefinition): Rule {
  return new RuleBuilder(alert.title)
    .uid(alert.uid)
    .folderUID(ALERT_FOLDER.uid)
    .ruleGroup(RULE_GROUP)
    .orgID(1)
    .condition("B")
    .withQuery(
      new QueryBuilder("A")
        .datasourceUid(PROMETHEUS_UID)
        .relativeTimeRange({ from: 600, to: 0 })
        .model(new DataqueryBuilder().expr(alert.expr).instant().refId("A")),
    )
    .withQuery(
      new QueryBuilder("B").datasourceUid("__expr__").model(new ThresholdExpression(alert)),
    )
    .forDuration(alert.for)
    .noDataState("OK")
    .execErrState("Error")
    .labels({ severity: alert.severity })
    .annotations({
      summary: renderText(alert.summary, GRAFANA_TEMPLATES),
      description: renderText(alert.description, GRAFANA_TEMPLATES),
    })
    .build();
}

const rules = () => ALERTS.map(grafanaRule);

/** The rule group in Grafana's file-provisioning format (grafana/provisioning/alerting). */
export function provisionedRules() {
  return {
    apiVersion: 1,
    groups: [
      {
        orgId: 1,
        name: RULE_GROUP,
        folder: ALERT_FOLDER.title,
        interval: EVALUATION_INTERVAL,
        rules: rules().map((rule) => ({
          uid: rule.uid,
          title: rule.title,
          condition: rule.condition,
          data: rule.data,
          noDataState: rule.noDataState,
          execErrState: rule.execErrState,
          for: rule.for,
          labels: rule.labels,
          annotations: rule.annotations,
        })),
      },
    ],
  };
}

/** The rule group as the body of `POST /api/ruler/grafana/api/v1/rules/<folder uid>` (grafana/alerts). */
export function rulerApiBody() {
  return {
    name: RULE_GROUP,
    interval: EVALUATION_INTERVAL,
    rules: rules().map((rule) => ({
      for: rule.for,
      labels: rule.labels,
      annotations: rule.annotations,
      grafana_alert: {
        uid: rule.uid,
        title: rule.title,
        condition: rule.condition,
        data: rule.data,
        no_data_state: rule.noDataState,
        exec_err_state: rule.execErrState,
      },
    })),
  };
}
