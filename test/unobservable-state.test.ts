import { describe, expect, it } from 'vitest';
import { LocalDriver } from '../harness/drivers/local/local-driver.ts';
import { runDrillFiles } from './drill-harness.ts';

/**
 * What cannot be observed is unknown, never a pass and never drift (issue 13 §2, DESIGN.md
 * §2). The local driver reads what a replica runs from /proc; on an OS without it (simulated
 * here: the driver is told not to read /proc, as it would find none) a guard-driven rollback
 * that works cannot be proven: every check that needs the observed state is unknown, with
 * the reason, and the drill fails for want of data — while the checks that need no
 * observation of the state (the guard, the data) still pass.
 */
describe('a drill whose state cannot be observed (as on an OS without /proc)', () => {
  it('fails with unknown LKG, restore and drift checks, naming why; the guard and the data checks are judged as usual', async () => {
    const results = await runDrillFiles(['scenarios/bad-release-rolled-back.drill.ts'], { driver: new LocalDriver({ readProc: false }) });
    const [scenario] = results.scenarios;
    expect(scenario!.status).toBe('failed');
    const status = Object.fromEntries(scenario!.checks.map((c) => [c.name, c.status]));
    expect(status).toMatchObject({
      'LKG state restored': 'unknown',
      'restored within the verification window': 'unknown',
      'LKG state at end of drill': 'unknown',
      'no drift from the ledger': 'unknown',
      'no acknowledged write lost': 'passed',
    });
    expect(Object.values(status)).not.toContain('failed');
    const lkgCheck = scenario!.checks.find((c) => c.name === 'LKG state at end of drill')!;
    expect(lkgCheck.message).toBe('no data: unobservable: shop: the release of 2 of 2 serving replicas could not be observed (this OS has no /proc to read a process\'s working directory and environment from)');
    expect(scenario!.lkg.shop).toMatchObject({ match: false, observed: 'unobservable', evidence: { release: 'unobservable', config: 'unobservable' } });
    expect(scenario!.timeline.some((e) => e.type === 'guard')).toBe(true);
    expect(scenario!.reasons.join('; ')).toContain('no data: unobservable');
  }, 60_000);
});
