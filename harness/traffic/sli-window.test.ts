import { describe, expect, it } from 'vitest';
import type { Sample } from './sample.ts';
import { SampleLog } from './sample-log.ts';
import { perSecondSeries, summarize } from './sli-window.ts';

function sample(doneMs: number, latencyMs: number, ok = true): Sample {
  const intendedMs = doneMs - latencyMs;
  return { kind: 'read', intendedMs, sentMs: intendedMs, doneMs, latencyMs, status: ok ? 200 : 500, ok };
}

describe('summarize', () => {
  it('reports no availability and no latency for zero samples: no data is not success', () => {
    const summary = summarize([]);
    expect(summary.requests).toBe(0);
    expect(summary.availability).toBeUndefined();
    expect(summary.availability === 1).toBe(false);
    expect(summary.p95Ms).toBeUndefined();
  });

  it('selects samples by doneMs in [from, to)', () => {
    const samples = [sample(100, 10), sample(200, 20, false), sample(300, 30), sample(400, 40, false)];
    const summary = summarize(samples, 200, 400);
    expect(summary).toMatchObject({ requests: 2, errors: 1, availability: 0.5 });
    expect(summary.maxMs).toBeCloseTo(30, 1);
    expect(summarize(samples, 1000).availability).toBeUndefined();
  });

  it('gives percentiles to 3 significant digits', () => {
    const samples = Array.from({ length: 1000 }, (_, i) => sample(i, i + 1));
    const summary = summarize(samples);
    expect(summary.p50Ms!).toBeCloseTo(500, -0.5);
    expect(summary.p95Ms!).toBeCloseTo(950, -0.5);
    expect(summary.p99Ms!).toBeCloseTo(990, -0.5);
    expect(summary.maxMs!).toBeCloseTo(1000, -0.5);
  });
});

describe('perSecondSeries', () => {
  it('buckets by second of doneMs and keeps empty seconds', () => {
    const series = perSecondSeries([sample(2500, 5), sample(100, 1), sample(150, 3, false)]);
    expect(series.map((b) => [b.tMs, b.requests, b.errors])).toEqual([[0, 2, 1], [1000, 0, 0], [2000, 1, 0]]);
    expect(series[1]!.p50Ms).toBeUndefined();
    expect(series[2]!.p99Ms).toBeCloseTo(5, 1);
  });

  it('is empty for no samples', () => {
    expect(perSecondSeries([])).toEqual([]);
  });
});

describe('SampleLog', () => {
  it('answers windows in doneMs order, even for a late out-of-order sample', () => {
    const log = new SampleLog();
    for (const t of [10, 20, 30, 40]) log.add(sample(t, 1));
    log.add(sample(25, 1, false));
    expect(log.all().map((s) => s.doneMs)).toEqual([10, 20, 25, 30, 40]);
    expect(log.window(20, 40).map((s) => s.doneMs)).toEqual([20, 25, 30]);
    expect(log.summarize(20, 40)).toMatchObject({ requests: 3, errors: 1 });
    expect(log.summarize(41).availability).toBeUndefined();
    expect(log.perSecond()).toHaveLength(1);
  });

  it('agrees with summarize() over the same window', () => {
    const log = new SampleLog();
    const samples = Array.from({ length: 500 }, (_, i) => sample(i * 7, (i * 13) % 97, i % 11 !== 0));
    samples.forEach(log.add);
    expect(log.summarize(700, 2100)).toEqual(summarize(samples, 700, 2100));
  });
});
