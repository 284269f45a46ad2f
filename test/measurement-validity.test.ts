import { describe, expect, it } from 'vitest';
import { runDrillFiles } from './drill-harness.ts';
import type { ScenarioResult } from '../harness/verdict/results.ts';

function check(result: ScenarioResult, name: string | RegExp) {
  const found = result.checks.find((c) => (typeof name === 'string' ? c.name === name : name.test(c.name)));
  if (!found) throw new Error(`no check ${name} in ${result.checks.map((c) => `${c.name} (${c.status})`).join(', ')}`);
  return found;
}

async function drill(file: string): Promise<ScenarioResult> {
  const [result] = (await runDrillFiles([`test/drills/${file}`])).scenarios;
  return result!;
}

/**
 * Issue 13 §3, on real drills: the harness's own lateness (its event loop blocked on purpose,
 * in this process) turns a latency result unknown, never failed or passed — and a service
 * that is itself slow, with the harness healthy, still fails the same checks.
 */
describe('measurement validity on real drills', () => {
  it('a steady window of a good release is unknown, not failed, while the harness\'s loop is blocked', async () => {
    const result = await drill('harness-blocked-during-steady.drill.ts');
    const steady = check(result, /^steady state for 2\.00s/);
    expect(steady.status).toBe('unknown');
    expect(steady.harnessSaturated).toBe(true);
    expect(steady.message).toMatch(/^no data: harness saturated: send lag p99/);
    expect(result.status).toBe('failed');
    expect(result.harness?.saturatedChecks).toContain(steady.name);
    expect(result.harness?.eventLoopDelayMaxMs).toBeGreaterThan(400);
    expect(result.reasons.some((r) => r.includes('harness saturated'))).toBe(true);
  });

  it('a steady window of a genuinely slow service still fails with a healthy harness', async () => {
    const result = await drill('slow-service-steady.drill.ts');
    const steady = check(result, /^steady state for 2\.00s/);
    expect(steady.status).toBe('failed');
    expect(steady.message).toMatch(/^p95 \S+ > 250ms/);
    expect(check(result, 'SLIs over the whole drill').status).toBe('failed');
    expect(result.harness?.saturatedChecks).toEqual([]);
  });

  it('a verification whose every window the harness\'s lateness accounts for is unknown, and so is the RTO', async () => {
    const result = await drill('harness-blocked-during-verification.drill.ts');
    const window = check(result, 'restored within the verification window');
    expect(window.status).toBe('unknown');
    expect(window.message).toMatch(/^no data: harness saturated: the LKG state was observed but no 1\.00s window could be judged/);
    expect(check(result, 'LKG state restored').status).toBe('passed');
    expect(check(result, /^restored within RTO/).status).toBe('unknown');
    expect(result.status).toBe('failed');
  });

  it('a verification of a genuinely slow LKG still fails with a healthy harness', async () => {
    const result = await drill('slow-lkg-never-stabilizes.drill.ts');
    const window = check(result, 'restored within the verification window');
    expect(window.status).toBe('failed');
    expect(window.message).toMatch(/SLIs never held for 1\.00s \(p95 \S+ > 250ms\)/);
    expect(check(result, /^restored within RTO/).status).toBe('failed');
  });
});
