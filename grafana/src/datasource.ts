/** The dashboard's datasource variable: every panel and query refers to `${DS_PROMETHEUS}`. */
export const DATASOURCE_VARIABLE = "DS_PROMETHEUS";

/** The fixed uid of the provisioned Prometheus datasource, which Grafana-managed alert rules name. */
export const PROMETHEUS_UID = "levity-prometheus";

/** The datasource reference panels and queries use. */
export const datasourceRef = { type: "prometheus", uid: `\${${DATASOURCE_VARIABLE}}` } as const;
