import { build, type Histogram } from 'hdr-histogram-js';

/** Latency percentiles in milliseconds; undefined when nothing was recorded (no data is not "fast"). */
export interface LatencyPercentiles {
  p50Ms: number | undefined;
  p95Ms: number | undefined;
  p99Ms: number | undefined;
  maxMs: number | undefined;
}

const HIGHEST_TRACKABLE_US = 3_600_000_000; // one hour, in microseconds

/**
 * An HDR histogram of latencies: recorded in microseconds (3 significant digits, up
 * to one hour), read back in milliseconds.
 */
export class LatencyHistogram {
  private readonly histogram: Histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_US,
    numberOfSignificantValueDigits: 3,
  });

  /** Records one latency; negative or non-finite values count as 0 and values over an hour as an hour. */
  record(latencyMs: number): void {
    const us = Number.isFinite(latencyMs) ? Math.round(latencyMs * 1000) : 0;
    this.histogram.recordValue(Math.min(Math.max(us, 0), HIGHEST_TRACKABLE_US));
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  /** The latency at a percentile (0–100) in ms, or undefined when empty. */
  percentile(percentile: number): number | undefined {
    if (this.count === 0) return undefined;
    return this.histogram.getValueAtPercentile(percentile) / 1000;
  }

  percentiles(): LatencyPercentiles {
    if (this.count === 0) return { p50Ms: undefined, p95Ms: undefined, p99Ms: undefined, maxMs: undefined };
    return {
      p50Ms: this.percentile(50),
      p95Ms: this.percentile(95),
      p99Ms: this.percentile(99),
      maxMs: this.histogram.maxValue / 1000,
    };
  }

  /** Empties the histogram so it can be reused (cheaper than building a new one). */
  reset(): void {
    this.histogram.reset();
  }
}
