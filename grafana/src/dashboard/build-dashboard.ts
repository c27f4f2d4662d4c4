import * as BarChart from "@grafana/grafana-foundation-sdk/barchart";
import * as BarGauge from "@grafana/grafana-foundation-sdk/bargauge";
import {
  StackingMode,
  VisibilityMode,
  VizOrientation,
} from "@grafana/grafana-foundation-sdk/common";
import {
  type Dashboard,
  DashboardBuilder,
  DatasourceVariableBuilder,
  MappingType,
  QueryVariableBuilder,
  RowBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  VariableRefresh,
  VariableSort,
} from "@grafana/grafana-foundation-sdk/dashboard";
import * as Gauge from "@grafana/grafana-foundation-sdk/gauge";
import { DataqueryBuilder } from "@grafana/grafana-foundation-sdk/prometheus";
import * as Stat from "@grafana/grafana-foundation-sdk/stat";
import * as Table from "@grafana/grafana-foundation-sdk/table";
import * as TimeSeries from "@grafana/grafana-foundation-sdk/timeseries";
import { DATASOURCE_VARIABLE, datasourceRef } from "../datasource.js";
import {
  AUTOMATION_PANELS,
  AUTOMATIONS_ROW,
  COMMAND_PANELS,
  COMMANDS_ROW,
  OPERATOR_PANELS,
  OPERATOR_ROW,
  PANELS,
  type PanelDefinition,
} from "./panels.js";

/** The dashboard's stable uid: imports and provisioning update it in place. */
export const DASHBOARD_UID = "levity-ocpp-central-system";

function query(panel: PanelDefinition): DataqueryBuilder {
  const target = new DataqueryBuilder().refId("A").datasource(datasourceRef).expr(panel.expr);
  if (panel.legend) target.legendFormat(panel.legend);
  return panel.instant ? target.instant() : target.range();
}

function panelBuilder(panel: PanelDefinition) {
  switch (panel.kind) {
    case "gauge":
      return new Gauge.PanelBuilder()
        .min(0)
        .max(1)
        .noValue("0")
        .mappings([
          {
            type: MappingType.ValueToText,
            options: { "0": { text: "Down", color: "red" }, "1": { text: "Up", color: "green" } },
          },
        ])
        .thresholds(
          new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([
            { value: null, color: "red" },
            { value: 1, color: "green" },
          ]),
        );
    case "stat":
      return new Stat.PanelBuilder().noValue("0");
    case "timeseries":
      return new TimeSeries.PanelBuilder().fillOpacity(10);
    case "barchart":
      return new BarChart.PanelBuilder()
        .xTickLabelRotation(-45)
        .showValue(VisibilityMode.Never)
        .stacking(StackingMode.Normal);
    case "bargauge":
      return new BarGauge.PanelBuilder().orientation(VizOrientation.Horizontal);
    case "table":
      return new Table.PanelBuilder();
  }
}

/** The OCPP Central System dashboard (grafana/dashboards/ocpp-central-system.json). */
export function buildDashboard(): Dashboard {
  const dashboard = new DashboardBuilder("OCPP Central System")
    .uid(DASHBOARD_UID)
    .description(
      "Levity: charge points online, transactions, reboots, disconnects, errors and delivered current.",
    )
    .tags(["levity", "ocpp", "ev-charging"])
    .time({ from: "now-6h", to: "now" })
    .refresh("30s")
    .timezone("browser")
    .editable()
    .withVariable(
      new DatasourceVariableBuilder(DATASOURCE_VARIABLE).label("Prometheus").type("prometheus"),
    )
    .withVariable(
      new QueryVariableBuilder("cp_id")
        .label("Charge point")
        .datasource(datasourceRef)
        .query("label_values(ocpp_cp_connected, cp_id)")
        .definition("label_values(ocpp_cp_connected, cp_id)")
        .refresh(VariableRefresh.OnTimeRangeChanged)
        .sort(VariableSort.AlphabeticalAsc)
        .multi(true)
        .includeAll(true)
        .allValue(".*")
        .current({ text: "All", value: "$__all" }),
    );
  for (const panel of PANELS) dashboard.withPanel(built(panel));
  // The seed panels stay first, in order; the commands row comes below them.
  dashboard.withRow(
    new RowBuilder(COMMANDS_ROW.title).id(100).gridPos({ x: 0, y: COMMANDS_ROW.y, w: 24, h: 1 }),
  );
  for (const panel of COMMAND_PANELS) dashboard.withPanel(built(panel));
  dashboard.withRow(
    new RowBuilder(OPERATOR_ROW.title).id(101).gridPos({ x: 0, y: OPERATOR_ROW.y, w: 24, h: 1 }),
  );
  for (const panel of OPERATOR_PANELS) dashboard.withPanel(built(panel));
  dashboard.withRow(
    new RowBuilder(AUTOMATIONS_ROW.title)
      .id(102)
      .gridPos({ x: 0, y: AUTOMATIONS_ROW.y, w: 24, h: 1 }),
  );
  for (const panel of AUTOMATION_PANELS) dashboard.withPanel(built(panel));
  return dashboard.build();
}

function built(panel: PanelDefinition) {
  const builder = panelBuilder(panel)
    .id(panel.id)
    .title(panel.title)
    .description(panel.description)
    .datasource(datasourceRef)
    .gridPos(panel.grid)
    .withTarget(query(panel));
  if (panel.unit) builder.unit(panel.unit);
  return builder;
}
