import { describe, expect, it } from 'vitest';
import { scenarioStats } from './scenario-stats.ts';
import { wilsonLowerBound } from './wilson.ts';

describe('95% Wilson lower bound', () => {
  it('matches the textbook values', () => {
    expect(wilsonLowerBound(19, 20)).toBeCloseTo(0.7639, 4);
    expect(wilsonLowerBound(20, 20)).toBeCloseTo(0.8389, 4);
    expect(wilsonLowerBound(1, 1)).toBeCloseTo(0.2065, 4);
    expect(wilsonLowerBound(0, 10)).toBe(0);
    expect(wilsonLowerBound(50, 100)).toBeCloseTo(0.4038, 4);
  });

  it('needs 16/16 for a 0.8 gate and 73/73 for 0.95 (the README says so)', () => {
    expect(wilsonLowerBound(16, 16)).toBeGreaterThanOrEqual(0.8);
    expect(wilsonLowerBound(15, 15)).toBeLessThan(0.8);
    expect(wilsonLowerBound(73, 73)).toBeGreaterThanOrEqual(0.95);
    expect(wilsonLowerBound(72, 72)).toBeLessThan(0.95);
  });

  it('is null with no attempt: no data is not a rate', () => {
    expect(wilsonLowerBound(0, 0)).toBeNull();
  });
});

describe('per-scenario stats', () => {
  const attempt = (name: string, status: 'passed' | 'failed' | 'errored' | 'aborted') => ({ name, file: `${name}.drill.ts`, status });

  it('counts attempts per scenario and calls a mix of passes and failures flaky', () => {
    const stats = scenarioStats([attempt('a', 'passed'), attempt('b', 'passed'), attempt('a', 'failed'), attempt('a', 'passed'), attempt('b', 'passed')]);
    expect(stats).toEqual([
      expect.objectContaining({ name: 'a', attempts: 3, passed: 2, failed: 1, passRate: 2 / 3, flaky: true }),
      expect.objectContaining({ name: 'b', attempts: 2, passed: 2, failed: 0, passRate: 1, flaky: false }),
    ]);
    expect(stats[0]!.wilsonLower).toBeCloseTo(wilsonLowerBound(2, 3)!, 10);
  });

  it('counts errored attempts as not passed and leaves aborted ones out', () => {
    const [stats] = scenarioStats([attempt('a', 'passed'), attempt('a', 'errored'), attempt('a', 'aborted')]);
    expect(stats).toMatchObject({ attempts: 2, passed: 1, errored: 1, aborted: 1, passRate: 0.5, flaky: true });
  });

  it('has no rate for a scenario whose only attempt was aborted', () => {
    const [stats] = scenarioStats([attempt('a', 'aborted')]);
    expect(stats).toMatchObject({ attempts: 0, passRate: null, wilsonLower: null, flaky: false });
  });

  it('rounds to 4 places for results.json when asked', () => {
    const [stats] = scenarioStats([...Array(19).fill(attempt('a', 'passed')), attempt('a', 'failed')], { round: true });
    expect(stats).toMatchObject({ passRate: 0.95, wilsonLower: 0.7639 });
  });

  it('is not flaky when every attempt failed, nor when every one passed', () => {
    const [allFailed, allPassed] = scenarioStats([attempt('a', 'failed'), attempt('a', 'errored'), attempt('b', 'passed'), attempt('b', 'passed')]);
    expect(allFailed).toMatchObject({ attempts: 2, passed: 0, passRate: 0, wilsonLower: 0, flaky: false });
    expect(allPassed).toMatchObject({ attempts: 2, passed: 2, passRate: 1, flaky: false });
  });
});

