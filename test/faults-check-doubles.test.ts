import { describe, expect, it, vi } from 'vitest';
import { runDrillFiles } from './drill-harness.ts';
import type { ScenarioResult } from '../harness/verdict/results.ts';

// The fault registry is one explicit map with no extension point: the doubles join it here, for this file only.
vi.mock('../harness/faults/fault-registry.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../harness/faults/fault-registry.ts')>();
  const { faultTestDoubles } = await import('./fault-test-doubles.ts');
  const all: Record<string, unknown> = { ...real.faultTypes, ...faultTestDoubles };
  return { ...real, faultTypes: all, faultTypeNames: () => Object.keys(all), findFaultType: (name: string) => (Object.hasOwn(all, name) ? all[name] : undefined) };
});

function check(result: ScenarioResult, name: string) {
  const found = result.checks.find((c) => c.name === name);
  if (!found) throw new Error(`no check ${name} in ${result.checks.map((c) => `${c.name} (${c.status})`).join(', ')}`);
  return found;
}

async function drill(file: string): Promise<ScenarioResult> {
  const [result] = (await runDrillFiles([`test/drills/${file}`])).scenarios;
  return result!;
}

const FAULTS = 'every fault injected and reverted';

/**
 * The faults check's paths that no real fault reaches on demand, through test doubles of a
 * fault type (test/fault-test-doubles.ts: a real HTTP delay on a real drill, changed in one
 * way each): a revert that fails, and a fault whose revert ran before it landed (which the
 * runner reverts as it lands; the check's "never reverted" branch is unit-tested in checks/).
 */
describe('the faults check fails a drill whose fault was not cleanly reverted (test doubles)', () => {
  it('a fault whose revert fails (test double) fails the drill with revert-failed', async () => {
    const result = await drill('fault-revert-fails.drill.ts');
    expect(result.status).toBe('failed');
    const faults = check(result, FAULTS);
    expect(faults.status).toBe('failed');
    expect(faults.message).toBe('f1 test-double-revert-fails on shop: revert-failed (test double: the revert reported a failure)');
    expect(result.faults).toEqual([expect.objectContaining({ id: 'f1', status: 'revert-failed', error: 'test double: the revert reported a failure' })]);
    expect(result.reasons).toContain(`${FAULTS}: ${faults.message}`);
    expect(result.checks.filter((c) => c.status !== 'passed').map((c) => c.name), result.reasons.join('\n')).toEqual([FAULTS]);
  });

  it('a fault that lands after its revert ran (test double) is reverted as it lands: nothing is left behind, and the faults check says reverted', async () => {
    const result = await drill('fault-injected-after-its-revert.drill.ts');
    const faults = check(result, FAULTS);
    expect(faults.status, faults.message).toBe('passed');
    expect(result.faults).toEqual([expect.objectContaining({ id: 'f1', status: 'reverted' })]);
    const reverts = result.timeline.filter((e) => e.type === 'revert' && e.faultId === 'f1');
    expect(reverts.map((e) => e.message), 'reverted as it landed, after the teardown had replayed its undo').toContain('it landed after its revert had run, and was reverted as it landed');
    const landed = result.timeline.find((e) => e.type === 'fault' && e.faultId === 'f1')!;
    expect(reverts.at(-1)!.tMs).toBeGreaterThanOrEqual(landed.tMs);
  });
});
