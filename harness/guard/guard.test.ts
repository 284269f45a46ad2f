import { describe, expect, it } from 'vitest';
import { guardCheck } from '../checks/guard-check.ts';
import { Guard, type GuardTrip } from './guard.ts';
import { ErrorRateAnalysis } from './error-rate-analysis.ts';
import { LatencyAnalysis, percentile } from './latency-analysis.ts';
import { recentSamples, type Analysis, type AnalysisVerdict } from './analysis.ts';
import { Timeline } from '../runner/timeline.ts';
import { silentLogger, type Logger } from '../runner/logger.ts';
import type { Sample } from '../traffic/sample.ts';

function samples(count: number, fromMs: number, options: { ok?: boolean; latencyMs?: number } = {}): Sample[] {
  return Array.from({ length: count }, (_, i) => {
    const sentMs = fromMs + i;
    const latencyMs = options.latencyMs ?? 2;
    return { kind: 'read', intendedMs: sentMs, sentMs, doneMs: sentMs + latencyMs, latencyMs, status: options.ok === false ? 500 : 200, ok: options.ok ?? true };
  });
}

describe('ErrorRateAnalysis', () => {
  const analysis = new ErrorRateAnalysis({ above: 0.05, for: '2s', minSamples: 5 });
  it('is unknown with fewer samples than it needs', () => {
    expect(analysis.evaluate({ service: 's', samples: samples(4, 0, { ok: false }), armedAtMs: 0, nowMs: 100 }).status).toBe('unknown');
  });
  it('fails above the threshold and passes below it', () => {
    expect(analysis.evaluate({ service: 's', samples: samples(10, 0, { ok: false }), armedAtMs: 0, nowMs: 100 }).status).toBe('fail');
    expect(analysis.evaluate({ service: 's', samples: samples(100, 0), armedAtMs: 0, nowMs: 200 }).status).toBe('pass');
  });
  it('only judges traffic since the rollout was armed', () => {
    const before = samples(50, 0, { ok: false });
    const after = samples(50, 1000);
    expect(analysis.evaluate({ service: 's', samples: [...before, ...after], armedAtMs: 900, nowMs: 1100 }).status).toBe('pass');
  });
});

describe('LatencyAnalysis', () => {
  it('fails when the percentile is over the limit', () => {
    const analysis = new LatencyAnalysis({ percentile: 95, above: '100ms', for: '1s', minSamples: 5 });
    expect(analysis.evaluate({ service: 's', samples: samples(20, 0, { latencyMs: 300 }), armedAtMs: 0, nowMs: 400 }).status).toBe('fail');
    expect(analysis.evaluate({ service: 's', samples: samples(20, 0, { latencyMs: 3 }), armedAtMs: 0, nowMs: 400 }).status).toBe('pass');
  });
});

describe('Guard', () => {
  const spec = { errorRate: { above: 0.05, for: '2s', minSamples: 5 }, interval: '10ms', then: 'rollback' as const };

  it('trips on a failing rollout and emits a guard event', async () => {
    const timeline = new Timeline();
    const trips: GuardTrip[] = [];
    const data: Sample[] = [];
    const guard = new Guard({ spec, timeline, samples: data, log: silentLogger, onTrip: async (t) => void trips.push(t) });
    guard.start();
    guard.arm('shop', 0);
    data.push(...samples(20, timeline.now(), { ok: false }));
    await new Promise((r) => setTimeout(r, 80));
    guard.stop();
    expect(trips).toHaveLength(1);
    expect(timeline.find('guard')?.service).toBe('shop');
    expect(guard.evaluations).toBeGreaterThan(0);
  });

  it('never trips and never counts a judgement without traffic', async () => {
    const timeline = new Timeline();
    const guard = new Guard({ spec, timeline, samples: [], log: silentLogger, onTrip: async () => {} });
    guard.start();
    guard.arm('shop', 0);
    await new Promise((r) => setTimeout(r, 60));
    guard.stop();
    expect(guard.trips).toEqual([]);
    expect(guard.evaluations).toBe(0);
    expect(guard.blindTicks).toBeGreaterThan(0);
  });
});

const at = (doneMs: number, fields: Partial<Sample> = {}): Sample => ({ kind: 'read', intendedMs: doneMs - 1, sentMs: doneMs - 1, doneMs, latencyMs: 1, status: 200, ok: true, ...fields });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('recentSamples', () => {
  it('takes the samples completed in the window, both ends included, in the order they completed', () => {
    const samples = [at(100), at(200), at(250), at(300), at(301)];
    expect(recentSamples(samples, 100, 300).map((s) => s.doneMs)).toEqual([100, 200, 250, 300]);
    expect(recentSamples(samples, 101, 299).map((s) => s.doneMs)).toEqual([200, 250]);
  });
  it('still finds a sample appended out of order, up to 5 s late', () => {
    expect(recentSamples([at(10_000), at(5_000), at(10_100)], 10_000, 11_000).map((s) => s.doneMs)).toEqual([10_000, 10_100]);
    expect(recentSamples([at(10_000), at(4_999), at(10_100)], 10_000, 11_000).map((s) => s.doneMs)).toEqual([10_100]);
  });
});

describe('ErrorRateAnalysis: its bounds and its words', () => {
  const analysis = new ErrorRateAnalysis({ above: 0.05, for: '2s', minSamples: 20 });
  const window = (errors: number, total: number) => Array.from({ length: total }, (_, i) => at(100 + i, { ok: i >= errors }));
  it('judges from exactly the samples it needs, and passes a rate exactly at the limit', () => {
    expect(analysis.name).toBe('error rate');
    expect(analysis.evaluate({ service: 's', samples: window(1, 19), armedAtMs: 0, nowMs: 500 })).toEqual({ status: 'unknown', message: '19 samples, fewer than 20' });
    expect(analysis.evaluate({ service: 's', samples: window(1, 20), armedAtMs: 0, nowMs: 500 })).toEqual({ status: 'pass', message: 'error rate 5.0% over 20 requests (limit 5.0%)', value: 0.05 });
    expect(analysis.evaluate({ service: 's', samples: window(2, 20), armedAtMs: 0, nowMs: 500 })).toEqual({ status: 'fail', message: 'error rate 10.0% over 20 requests (limit 5.0%)', value: 0.1 });
  });
  it('judges the trailing window only', () => {
    const samples = [...window(20, 20), ...Array.from({ length: 20 }, (_, i) => at(3_000 + i))];
    expect(analysis.evaluate({ service: 's', samples, armedAtMs: 0, nowMs: 3_100 }).status).toBe('pass');
  });
});

describe('LatencyAnalysis: its bounds and its words', () => {
  const analysis = new LatencyAnalysis({ percentile: 95, above: '100ms', for: '1s', minSamples: 20 });
  const window = (latencies: number[]) => latencies.map((latencyMs, i) => at(100 + i, { latencyMs }));
  it('is unknown with fewer samples than it needs', () => {
    expect(analysis.name).toBe('p95 latency');
    expect(analysis.evaluate({ service: 's', samples: window(Array(19).fill(500)), armedAtMs: 0, nowMs: 500 })).toEqual({ status: 'unknown', message: '19 samples, fewer than 20' });
  });
  it('takes the nearest-rank percentile of unsorted latencies and passes one exactly at the limit', () => {
    const latencies = [...Array(18).fill(5), 100, 400].reverse();
    expect(analysis.evaluate({ service: 's', samples: window(latencies), armedAtMs: 0, nowMs: 500 })).toEqual({ status: 'pass', message: 'p95 latency 100ms over 20 requests (limit 100ms)', value: 100 });
    expect(analysis.evaluate({ service: 's', samples: window([...Array(18).fill(5), 101, 400]), armedAtMs: 0, nowMs: 500 })).toMatchObject({ status: 'fail', value: 101 });
  });
  it('judges only traffic since the rollout was armed', () => {
    const samples = [...window(Array(20).fill(500)), ...Array.from({ length: 20 }, (_, i) => at(800 + i, { latencyMs: 5 }))];
    expect(analysis.evaluate({ service: 's', samples, armedAtMs: 700, nowMs: 900 }).status).toBe('pass');
  });
  it('percentile: nearest rank, at least the smallest, NaN of nothing', () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([30, 10, 20], 0)).toBe(10);
    expect(percentile([30, 10, 20], 100)).toBe(30);
    expect(percentile(Array.from({ length: 20 }, (_, i) => i + 1), 95)).toBe(19);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('Guard: its lifecycle', () => {
  const errorSpec = { errorRate: { above: 0.05, for: '2s', minSamples: 5 }, interval: '10ms', then: 'rollback' as const };
  const verdict = (status: AnalysisVerdict['status']): Analysis => ({ name: status, evaluate: () => ({ status, message: `always ${status}` }) });

  it('trips on latency alone, records the trip, emits and logs it', async () => {
    const timeline = new Timeline();
    const logged: string[] = [];
    const log: Logger = { ...silentLogger, info: (m) => void logged.push(m) };
    const data = samples(20, -400, { latencyMs: 300 });
    const guard = new Guard({ spec: { latency: { percentile: 95, above: '100ms', for: '1s', minSamples: 5 }, interval: '10ms', then: 'abort' }, timeline, samples: data, log, onTrip: async () => {} });
    guard.start();
    guard.arm('shop', -1000);
    await sleep(60);
    guard.stop();
    expect(guard.trips).toEqual([{ service: 'shop', tMs: timeline.find('guard')!.tMs, analysis: 'p95 latency', message: 'p95 latency 300ms over 20 requests (limit 100ms)' }]);
    expect(timeline.find('guard')).toMatchObject({ service: 'shop', analysis: 'p95 latency', message: 'p95 latency 300ms over 20 requests (limit 100ms)', then: 'abort' });
    expect(logged).toEqual(['guard tripped on shop: p95 latency 300ms over 20 requests (limit 100ms)']);
  });

  it('counts a tick as judged when any analysis had data, and keeps judging tick after tick', async () => {
    const guard = new Guard({ spec: errorSpec, timeline: new Timeline(), samples: [], log: silentLogger, extraAnalyses: [verdict('pass')], onTrip: async () => {} });
    guard.start();
    guard.arm('shop', 0);
    await sleep(80);
    guard.stop();
    expect(guard.evaluations).toBeGreaterThan(1);
    expect(guard.blindTicks).toBe(0);
    expect(guard.trips).toEqual([]);
  });

  it('takes an analysis that throws as unknown: no trip, a blind tick', async () => {
    const throwing: Analysis = { name: 'broken', evaluate: () => { throw new Error('scrape refused'); } };
    const guard = new Guard({ spec: errorSpec, timeline: new Timeline(), samples: [], log: silentLogger, extraAnalyses: [throwing], onTrip: async () => {} });
    guard.start();
    guard.arm('shop', 0);
    await sleep(50);
    guard.stop();
    expect(guard.trips).toEqual([]);
    expect(guard.evaluations).toBe(0);
    expect(guard.blindTicks).toBeGreaterThan(0);
    expect(guard.lastBlindReason, 'why it was blind is kept for the check').toContain('broken: analysis failed: scrape refused');
    expect(guardCheck(guard)?.message).toContain('(last: ');
    expect(guardCheck(guard)?.message).toContain('broken: analysis failed: scrape refused');
  });

  it('watches what it was armed for until disarmed for that service, or for any', () => {
    const guard = new Guard({ spec: errorSpec, timeline: new Timeline(), samples: [], log: silentLogger, onTrip: async () => {} });
    expect(guard.watching).toBeUndefined();
    guard.arm('shop', 0);
    expect(guard.watching).toBe('shop');
    guard.disarm('stock');
    expect(guard.watching).toBe('shop');
    guard.disarm('shop');
    expect(guard.watching).toBeUndefined();
    guard.disarm('shop');
    guard.arm('shop', 0);
    guard.disarm();
    expect(guard.watching).toBeUndefined();
    guard.arm('shop', 0);
    guard.stop();
    expect(guard.watching).toBeUndefined();
  });

  it('stops ticking when stopped', async () => {
    const data: Sample[] = [];
    const guard = new Guard({ spec: errorSpec, timeline: new Timeline(), samples: data, log: silentLogger, onTrip: async () => {} });
    guard.start();
    guard.stop();
    guard.arm('shop', 0);
    data.push(...samples(20, 0, { ok: false }));
    await sleep(50);
    expect(guard.trips).toEqual([]);
    expect(guard.evaluations + guard.blindTicks).toBe(0);
  });

  it('runs one evaluation at a time, and drops the verdict of a rollout disarmed meanwhile', async () => {
    let running = 0;
    let most = 0;
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    let calls = 0;
    const heldFail: Analysis = {
      name: 'held',
      evaluate: async () => {
        most = Math.max(most, ++running);
        if (calls++ === 0) await held;
        running--;
        return { status: 'fail', message: 'bad' };
      },
    };
    const trips: GuardTrip[] = [];
    const guard = new Guard({ spec: errorSpec, timeline: new Timeline(), samples: [], log: silentLogger, extraAnalyses: [heldFail], onTrip: async (t) => void trips.push(t) });
    guard.start();
    guard.arm('shop', 0);
    await until(() => running === 1);
    await sleep(40); // several intervals pass while the first evaluation is held
    guard.disarm('shop');
    guard.arm('shop', 0);
    release();
    for (let i = 0; i < 20; i++) await Promise.resolve(); // the held tick ends in microtasks, before any timer could start another

    expect(trips).toEqual([]);
    expect(guard.evaluations + guard.blindTicks).toBe(0);
    await until(() => trips.length > 0);
    guard.stop();
    expect(most).toBe(1);
    expect(calls).toBeGreaterThanOrEqual(2);
  });
});

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await sleep(5);
  expect(condition()).toBe(true);
}
