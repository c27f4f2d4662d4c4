import { type ParsedMetrics, scrapeMetrics } from "@levity/testkit";

export { scrapeMetrics };

/** The cumulative buckets of a Prometheus histogram in a scrape. */
export function buckets(metrics: ParsedMetrics, name: string): { le: number; count: number }[] {
  return metrics.samples
    .filter((sample) => sample.name === `${name}_bucket`)
    .map((sample) => ({
      le: sample.labels.le === "+Inf" ? Number.POSITIVE_INFINITY : Number(sample.labels.le),
      count: sample.value,
    }));
}

/** Bucket increments between two scrapes. */
export function bucketDelta(
  before: ParsedMetrics,
  after: ParsedMetrics,
  name: string,
): { le: number; count: number }[] {
  const start = new Map(buckets(before, name).map((bucket) => [bucket.le, bucket.count]));
  return buckets(after, name).map((bucket) => ({
    le: bucket.le,
    count: bucket.count - (start.get(bucket.le) ?? 0),
  }));
}

/** A sample's value, 0 when absent. */
export function value(metrics: ParsedMetrics, name: string): number {
  return metrics.samples.find((sample) => sample.name === name)?.value ?? 0;
}
