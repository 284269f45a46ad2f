import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    expect(log.all().map((s) => s.doneMs)).toEqual([10, 20, 30, 40, 25]);
    expect(log.window(20, 40).map((s) => s.doneMs)).toEqual([20, 25, 30]);
    expect(log.summarize(20, 40)).toMatchObject({ requests: 3, errors: 1 });
    expect(log.summarize(41).availability).toBeUndefined();
    expect(log.perSecond()).toHaveLength(1);
  });

  it('gives back every field of every sample, across chunks, with the same strings', () => {
    const log = new SampleLog();
    const samples = manySamples(40_000);
    samples.forEach(log.add);
    expect(log.length).toBe(40_000);
    expect(log.at(0)).toEqual(samples[0]);
    expect(log.at(-1)).toEqual(samples.at(-1));
    expect(log.at(20_001)).toEqual(samples[20_001]);
    expect(log.at(40_000)).toBeUndefined();
    expect(log.all()).toEqual(samples);
    expect(log.at(3)!.release).toBe(samples[3]!.release);
    expect(log.filter((s) => s.writeId === 'w-35000')).toEqual([samples[35_000]]);
    expect(log.find((s) => !s.ok && s.sentMs > 100)).toEqual(samples.find((s) => !s.ok && s.sentMs > 100));
    expect(perSecondSeries(log)).toEqual(perSecondSeries(samples));
    expect(log.summarize()).toEqual(summarize(samples));
  });

  it('with a spill file, keeps only the newest chunks in memory and gives back the same samples from the file; close() removes it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'drillbit-spill-'));
    try {
      const spillFile = join(dir, 'samples.spill');
      const log = new SampleLog({ spillFile });
      const samples = manySamples(120_000);
      samples.forEach(log.add);
      // 120,000 samples are 8 chunks of 16,384: the one being filled and the 2 newest full ones stay in memory.
      expect(log.spillState()).toEqual({ spilledChunks: 5, inMemoryChunks: 3 });
      expect(statSync(spillFile).size).toBeGreaterThan(5 * 16_384 * 31);
      expect(log.at(1)).toEqual(samples[1]);
      expect(log.at(70_000)).toEqual(samples[70_000]);
      expect(log.at(-1)).toEqual(samples.at(-1));
      expect(log.all()).toEqual(samples);
      expect(log.filter((s) => s.writeId === 'w-35000')).toEqual([samples[35_000]]);
      expect(log.window(1000, 3000)).toEqual(samples.filter((s) => s.doneMs >= 1000 && s.doneMs < 3000).sort((a, b) => a.doneMs - b.doneMs));
      expect(log.summarize(500, 50_000)).toEqual(summarize(samples, 500, 50_000));
      expect(perSecondSeries(log)).toEqual(perSecondSeries(samples));
      log.close();
      log.close();
      expect(existsSync(spillFile)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps every chunk in memory when the spill file cannot be written, and says why', () => {
    const log = new SampleLog({ spillFile: '/proc/drillbit-cannot-write-here/samples.spill' });
    const samples = manySamples(70_000);
    samples.forEach(log.add);
    expect(log.spillState()).toMatchObject({ spilledChunks: 0, inMemoryChunks: 5, failed: expect.stringMatching(/ENOENT|EACCES/) });
    expect(log.all()).toEqual(samples);
  });

  function manySamples(n: number): Sample[] {
    const release = `sha256:${'a'.repeat(64)}`;
    const samples: Sample[] = Array.from({ length: n }, (_, i) => ({
      kind: i % 5 === 0 ? 'write' : 'read', intendedMs: i * 0.5, sentMs: i * 0.5 + 0.25, doneMs: i * 0.5 + 3 + (i % 7), latencyMs: 3 + (i % 7) + 0, status: i % 9 === 0 ? 503 : 200, ok: i % 9 !== 0,
      ...(i % 3 === 0 ? { release } : {}), ...(i % 5 === 0 ? { writeId: `w-${i}` } : {}), ...(i % 9 === 0 ? { error: 'upstream said 503' } : {}),
    }));
    for (const s of samples) s.latencyMs = s.doneMs - s.intendedMs;
    return samples;
  }

  it('keeps the first distinct error messages and marks the rest, never a release', () => {
    const log = new SampleLog();
    for (let i = 0; i < 5000; i++) log.add({ ...sample(i, 1, false), error: `error ${i}`, release: `sha256:${String(i % 3).repeat(64)}` });
    expect(log.at(10)!.error).toBe('error 10');
    expect(log.at(4999)!.error).toBe('(more distinct values than kept)');
    expect(log.at(4999)!.release).toBe(`sha256:${'1'.repeat(64)}`);
  });

  it('agrees with summarize() over the same window', () => {
    const log = new SampleLog();
    const samples = Array.from({ length: 500 }, (_, i) => sample(i * 7, (i * 13) % 97, i % 11 !== 0));
    samples.forEach(log.add);
    expect(log.summarize(700, 2100)).toEqual(summarize(samples, 700, 2100));
  });
});
