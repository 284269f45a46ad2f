import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from './histogram.ts';

describe('LatencyHistogram', () => {
  it('keeps sub-millisecond resolution and reports in ms', () => {
    const histogram = new LatencyHistogram();
    for (let i = 1; i <= 100; i++) histogram.record(i * 0.25);
    expect(histogram.count).toBe(100);
    expect(histogram.percentile(50)!).toBeCloseTo(12.5, 1);
    expect(histogram.percentiles().maxMs!).toBeCloseTo(25, 1);
  });

  it('is undefined when empty and after reset', () => {
    const histogram = new LatencyHistogram();
    expect(histogram.percentiles()).toEqual({ p50Ms: undefined, p95Ms: undefined, p99Ms: undefined, maxMs: undefined });
    histogram.record(3);
    histogram.reset();
    expect(histogram.percentile(99)).toBeUndefined();
  });

  it('clamps values it cannot track instead of throwing', () => {
    const histogram = new LatencyHistogram();
    histogram.record(-5);
    histogram.record(Number.NaN);
    histogram.record(10 * 3_600_000);
    expect(histogram.count).toBe(3);
    expect(histogram.percentiles().maxMs!).toBeLessThanOrEqual(3_600_000 * 1.001);
  });
});
