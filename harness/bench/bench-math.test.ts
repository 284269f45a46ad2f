import { describe, expect, it } from 'vitest';
import type { TimelineEvent } from '../runner/timeline.ts';
import type { ScenarioResult } from '../verdict/results.ts';
import { drillOverhead } from './drill-overhead.ts';
import { searchSustainedRate } from './rate-search.ts';
import { quantile, spreadMetrics } from './stats.ts';

// The bench's arithmetic only: no timing is asserted anywhere (timings are noisy; the bench reports them).

describe('quantile', () => {
  it('interpolates between closest ranks', () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([10, 20, 30, 40, 50], 0.9)).toBe(46);
    expect(quantile([7], 0.9)).toBe(7);
  });

  it('gives null metrics, not zeros, when no round completed', () => {
    expect(spreadMetrics([], { key: 'k', label: 'l', unit: 'ms' }).map((m) => m.value)).toEqual([null, null, null]);
  });
});

describe('searchSustainedRate', () => {
  const options = { startRate: 1000, factor: 1.5, bisections: 3, maxRate: 100_000, granularity: 50 };

  it('steps up until a rate fails, then bisects below it', async () => {
    const tried: number[] = [];
    const result = await searchSustainedRate(async (rate) => (tried.push(rate), rate), (rate) => rate <= 4000, options);
    expect(tried.slice(0, 5)).toEqual([1000, 1500, 2250, 3400, 5100]);
    expect(result.best?.rate).toBeLessThanOrEqual(4000);
    expect(result.best?.rate).toBeGreaterThan(3400);
    expect(result.failedAt).toBeGreaterThan(4000);
  });

  it('steps down when the first rate fails', async () => {
    const result = await searchSustainedRate(async (rate) => rate, (rate) => rate <= 500, { ...options, bisections: 0 });
    expect(result.best?.rate).toBe(450);
  });
});

describe('drillOverhead', () => {
  const result = (timeline: TimelineEvent[]) => ({ status: 'passed', durationMs: 5000, timeline }) as unknown as ScenarioResult;

  it('subtracts declared waits, boots and the guard wait, and a cold rollback only outside the guard wait', () => {
    const timeline: TimelineEvent[] = [
      { tMs: 200, type: 'deploy', service: 'shop', durationMs: 200 },
      { tMs: 2600, type: 'deploy', service: 'shop', durationMs: 300 },
      { tMs: 2800, type: 'guard', service: 'shop' },
      { tMs: 2850, type: 'rollback', service: 'shop', durationMs: 40 },
      { tMs: 4000, type: 'rollback', service: 'shop', durationMs: 250 },
    ];
    const breakdown = drillOverhead(result(timeline), ['cold', 'cold'], 3000, 5100);
    expect(breakdown.guardWaitMs).toBe(250);
    expect(breakdown.coldRollbackMs).toEqual([250]);
    expect(breakdown.drillOverheadMs).toBe(5000 - 3000 - 500 - 250 - 250);
    expect(breakdown.wallOverheadMs).toBe(5100 - 3000 - 500 - 250 - 250);
  });
});
