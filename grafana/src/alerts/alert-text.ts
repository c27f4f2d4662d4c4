import type { AlertText } from "./alert-definitions.js";

/** How one rule format spells a label and the alert's value in its templates. */
export interface TemplateDialect {
  label(name: string): string;
  value(humanise: "duration" | "percent" | undefined): string;
}

const HUMANISE = { duration: "humanizeDuration", percent: "humanizePercentage" } as const;

export const PROMETHEUS_TEMPLATES: TemplateDialect = {
  label: (name) => `{{ $labels.${name} }}`,
  value: (humanise) => (humanise ? `{{ $value | ${HUMANISE[humanise]} }}` : "{{ $value }}"),
};

/** Grafana-managed rules: the value is that of query A. */
export const GRAFANA_TEMPLATES: TemplateDialect = {
  label: (name) => `{{ $labels.${name} }}`,
  value: (humanise) =>
    humanise ? `{{ $values.A.Value | ${HUMANISE[humanise]} }}` : "{{ $values.A.Value }}",
};

/** Renders an alert text's placeholders in a rule format's template language. */
export function renderText(text: AlertText, dialect: TemplateDialect): string {
  return text.replace(
    /\{(value(?:\|(duration|percent))?|[a-z_]+)\}/g,
    (_match, name: string, humanise?: "duration" | "percent") =>
      name.startsWith("value") ? dialect.value(humanise) : dialect.label(name),
  );
}
