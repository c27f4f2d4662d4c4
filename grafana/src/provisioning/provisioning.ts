import { PROMETHEUS_UID } from "../datasource.js";

/** Grafana's datasource provisioning: Prometheus, with the fixed uid the alert rules name. */
export function datasourceProvisioning(prometheusUrl = "http://prometheus:9090") {
  return {
    apiVersion: 1,
    datasources: [
      {
        name: "Prometheus",
        type: "prometheus",
        uid: PROMETHEUS_UID,
        access: "proxy",
        url: prometheusUrl,
        isDefault: true,
        editable: false,
        jsonData: { timeInterval: "15s" },
      },
    ],
  };
}

/** Grafana's dashboard provider: the dashboards directory, mounted where the compose stack puts it. */
export function dashboardProvisioning(path = "/var/lib/grafana/dashboards") {
  return {
    apiVersion: 1,
    providers: [
      {
        name: "levity",
        orgId: 1,
        folder: "OCPP",
        type: "file",
        disableDeletion: true,
        allowUiUpdates: false,
        updateIntervalSeconds: 30,
        options: { path, foldersFromFilesStructure: false },
      },
    ],
  };
}
