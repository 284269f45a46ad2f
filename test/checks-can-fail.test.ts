import { describe, expect, it } from 'vitest';
import { runDrillFiles } from './drill-harness.ts';
import type { ScenarioResult } from '../harness/verdict/results.ts';

function check(result: ScenarioResult, name: string | RegExp) {
  const found = result.checks.find((c) => (typeof name === 'string' ? c.name === name : name.test(c.name)));
  if (!found) throw new Error(`no check ${name} in ${result.checks.map((c) => c.name).join(', ')}`);
  return found;
}

/** Each verdict check, shown failing a drill for the right reason (real processes, real traffic). */
describe('every check can fail a drill', () => {
  it('a rollback to the wrong release fails LKG equality', async () => {
    const [result] = (await runDrillFiles(['test/drills/wrong-release-rollback.drill.ts'])).scenarios;
    expect(result!.status).toBe('failed');
    expect(check(result!, 'LKG state restored').status).toBe('failed');
    expect(check(result!, 'LKG state at end of drill').message).toMatch(/serving replicas run v2 \(2\.0\.0, sha256:\w+\), not the LKG v1 \(1\.0\.0, sha256:\w+\)/);
    expect(result!.lkg.shop!.match).toBe(false);
    expect(result!.lkg.shop!.observed).not.toBe(result!.lkg.shop!.expected);
    expect(result!.reasons.join('\n')).toContain('not the LKG');
  });

  it('a release that acknowledges writes without persisting them fails on data loss', async () => {
    const [result] = (await runDrillFiles(['test/drills/forgetful-release-loses-writes.drill.ts'])).scenarios;
    expect(result!.status).toBe('failed');
    const data = check(result!, 'no acknowledged write lost');
    expect(data.status).toBe('failed');
    expect(data.message).toMatch(/\d+ of \d+ acknowledged writes are gone/);
    expect(result!.data.lost).toBeGreaterThan(0);
    expect(result!.data.lostIds.length).toBeGreaterThan(0);
    expect(check(result!, 'LKG state at end of drill').status).toBe('passed');
  });

  it('an RTO tighter than the real restore time fails on recovery time', async () => {
    const [result] = (await runDrillFiles(['test/drills/rto-tighter-than-reality.drill.ts'])).scenarios;
    expect(result!.status).toBe('failed');
    expect(check(result!, /^restored within RTO/).status).toBe('failed');
    expect(result!.recovery.withinSlo).toBe(false);
    expect(result!.recovery.ttrMs).toBeGreaterThan(10);
    expect(check(result!, 'LKG state restored').status).toBe('passed');
  });

  it('a candidate that is never rolled back fails the rollback window, saying the guard did not trip', async () => {
    const [result] = (await runDrillFiles(['test/drills/good-candidate-never-rolled-back.drill.ts'])).scenarios;
    expect(result!.status).toBe('failed');
    const window = check(result!, 'shop rolled back within 700ms');
    expect(window.status).toBe('failed');
    expect(window.message).toBe('still on the candidate after 700ms; the guard did not trip');
    expect(result!.lkg.shop!.match).toBe(false);
  });

  it('a guard with no traffic is unknown, not passed, and fails the drill with "no data"', async () => {
    const [result] = (await runDrillFiles(['test/drills/guard-without-traffic.drill.ts'])).scenarios;
    expect(result!.status).toBe('failed');
    const guard = check(result!, 'guard analysis had data');
    expect(guard.status).toBe('unknown');
    expect(guard.message).toMatch(/^no data: /);
    expect(result!.reasons.some((r) => r.startsWith('guard analysis had data: no data'))).toBe(true);
  });
});
