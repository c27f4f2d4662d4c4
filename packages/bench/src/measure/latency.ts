import * as hdr from "hdr-histogram-js";

/** A latency histogram in microseconds, mergeable across processes as base64. */
export function newLatencyHistogram(): hdr.Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 120_000_000,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
}

export function encodeLatency(histogram: hdr.Histogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

/** p50, p99 and max in milliseconds of an encoded histogram. */
export function latencyMs(encoded: string): {
  p50: number;
  p99: number;
  max: number;
  count: number;
} {
  const histogram = hdr.decodeFromCompressedBase64(encoded, 32, false);
  const ms = (us: number) => Math.round(us) / 1000;
  return {
    p50: ms(histogram.getValueAtPercentile(50)),
    p99: ms(histogram.getValueAtPercentile(99)),
    max: ms(histogram.maxValue),
    count: histogram.totalCount,
  };
}

/** A quantile of a Prometheus histogram's bucket increments, interpolated inside the bucket as Prometheus does. */
export function histogramQuantile(
  q: number,
  buckets: readonly { le: number; count: number }[],
): number {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted.at(-1)?.count ?? 0;
  if (total === 0) return Number.NaN;
  const rank = q * total;
  let previous = { le: 0, count: 0 };
  for (const bucket of sorted) {
    if (bucket.count >= rank) {
      if (!Number.isFinite(bucket.le)) return previous.le;
      const inBucket = bucket.count - previous.count;
      return (
        previous.le +
        (bucket.le - previous.le) * (inBucket === 0 ? 0 : (rank - previous.count) / inBucket)
      );
    }
    previous = bucket;
  }
  return previous.le;
}
