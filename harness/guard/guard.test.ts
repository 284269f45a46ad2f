import { describe, expect, it } from 'vitest';
import { Guard, type GuardTrip } from './guard.ts';
import { ErrorRateAnalysis } from './error-rate-analysis.ts';
import { LatencyAnalysis } from './latency-analysis.ts';
import { Timeline } from '../runner/timeline.ts';
import { silentLogger } from '../runner/logger.ts';
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
