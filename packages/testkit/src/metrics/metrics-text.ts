/** One sample of the Prometheus text exposition format. */
export interface MetricSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Metric families of a scrape: samples plus each family's declared type. */
export interface ParsedMetrics {
  readonly samples: readonly MetricSample[];
  readonly types: ReadonlyMap<string, string>;
}

// The format escapes only backslash, quote and line feed in label values, so a value may hold a
// carriage return or U+2028: `.` must match them (flag `s`).
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?[ \t]+(\S+)(?:[ \t]+\S+)?$/s;
const LABEL = /[ \t]*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"[ \t]*,?/y;

function unescapeLabel(value: string): string {
  return value.replace(/\\([\\"n])/g, (_, char: string) => (char === "n" ? "\n" : char));
}

function parseValue(text: string): number {
  if (text === "+Inf") return Number.POSITIVE_INFINITY;
  if (text === "-Inf") return Number.NEGATIVE_INFINITY;
  return Number(text);
}

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < text.length) {
    const start = LABEL.lastIndex;
    const match = LABEL.exec(text);
    if (!match || match.index !== start) throw new Error(`bad labels in line: ${line}`);
    labels[match[1] as string] = unescapeLabel(match[2] as string);
  }
  return labels;
}

/** Parses the Prometheus text format (what `/metrics` returns); throws on a malformed line. */
export function parseMetricsText(text: string): ParsedMetrics {
  const samples: MetricSample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (/^[ \t]*$/.test(line)) continue;
    if (line.startsWith("#")) {
      const type = /^# TYPE (\S+) (\S+)/.exec(line);
      if (type) types.set(type[1] as string, type[2] as string);
      continue;
    }
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`bad sample line: ${line}`);
    const [, name, labelText, value] = match as unknown as [
      string,
      string,
      string | undefined,
      string,
    ];
    samples.push({
      name,
      labels: labelText ? parseLabels(labelText, line) : {},
      value: parseValue(value),
    });
  }
  return { samples, types };
}

/** The value of the one sample named `name` whose labels include `labels`; undefined if none. */
export function sampleValue(
  metrics: ParsedMetrics,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number | undefined {
  const wanted = Object.entries(labels);
  const found = metrics.samples.filter(
    (sample) =>
      sample.name === name && wanted.every(([key, value]) => sample.labels[key] === value),
  );
  if (found.length > 1)
    throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value;
}

/** Fetches and parses a `/metrics` endpoint. */
export async function scrapeMetrics(url: string): Promise<ParsedMetrics> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return parseMetricsText(await response.text());
}

/** The projector's fleet series (what operators alert on) as sorted lines, for exact comparisons. */
export function fleetSeries(metrics: ParsedMetrics): string[] {
  return metrics.samples
    .filter((s) => s.name.startsWith("ocpp_cp_") || s.name === "ocpp_tx_active")
    .map((s) => `${s.name}${JSON.stringify(s.labels)} ${s.value}`)
    .sort();
}
