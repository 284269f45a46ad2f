import { describe, expect, it } from 'vitest';
import { attemptsOf } from '../../test/synthetic-results.ts';
import { formatGateMarkdown, formatGateTable } from './gate-output.ts';
import { evaluateGate } from './pass-rate-gate.ts';

describe('pass-rate gate', () => {
  it('19 of 20 passes against 0.9: fails on the lower bound (≈0.764), passes on the observed rate (0.95)', () => {
    const attempts = attemptsOf('bad release is rolled back', 19, 20);
    const lower = evaluateGate({ attempts, minPassRate: 0.9, on: 'lower-bound' });
    expect(lower.met).toBe(false);
    expect(lower.rows[0]!.measured).toBeCloseTo(0.764, 3);
    expect(lower.reasons).toEqual(['bad release is rolled back: 95% lower bound 76.4% (observed 19/20) is below 90.0%; 33 more passing attempts would meet it']);
    const observed = evaluateGate({ attempts, minPassRate: 0.9, on: 'observed' });
    expect(observed.met).toBe(true);
    expect(observed.rows[0]).toMatchObject({ passRate: 0.95, measured: 0.95, met: true, flaky: true });
  });

  it('meets a rate equal to the minimum (no rounding miss at 19/20 vs 0.95)', () => {
    expect(evaluateGate({ attempts: attemptsOf('a', 19, 20), minPassRate: 0.95, on: 'observed' }).met).toBe(true);
  });

  it('needs every scenario to meet it', () => {
    const gate = evaluateGate({ attempts: [...attemptsOf('a', 20, 20), ...attemptsOf('b', 10, 20)], minPassRate: 0.8, on: 'observed' });
    expect(gate.met).toBe(false);
    expect(gate.rows.map((r) => [r.name, r.met])).toEqual([
      ['a', true],
      ['b', false],
    ]);
  });

  it('is not met with nothing to gate on, an aborted run, or an incomplete input', () => {
    expect(evaluateGate({ attempts: [], minPassRate: 0, on: 'observed' }).met).toBe(false);
    expect(evaluateGate({ attempts: attemptsOf('a', 3, 3), minPassRate: 0, on: 'observed', aborted: true }).reasons).toEqual(['a run was aborted before every scenario finished']);
    expect(evaluateGate({ attempts: attemptsOf('a', 3, 3), minPassRate: 0, on: 'observed', incomplete: true }).met).toBe(false);
  });

  it('a minimum of 0 is met by a scenario that always fails, but never by one with no verdict', () => {
    expect(evaluateGate({ attempts: attemptsOf('a', 0, 3), minPassRate: 0, on: 'lower-bound' }).met).toBe(true);
    const aborted = attemptsOf('a', 0, 1).map((s) => ({ ...s, status: 'aborted' as const }));
    expect(evaluateGate({ attempts: aborted, minPassRate: 0, on: 'lower-bound' }).reasons).toEqual(['a: no attempt reached a verdict (1 aborted)']);
  });

  it('prints a table and a markdown summary that escapes scenario names', () => {
    const gate = evaluateGate({ attempts: [...attemptsOf('<img src=x onerror=alert(1)> | pipes', 19, 20)], minPassRate: 0.9, on: 'lower-bound' });
    const table = formatGateTable(gate);
    expect(table).toMatch(/^scenario\s+attempts\s+passed\s+pass rate\s+95% lower\s+flaky\s+gate\s+to meet$/m);
    expect(table).toMatch(/pipes\s+20\s+19\s+95\.0%\s+76\.4%\s+flaky\s+below/);
    expect(table).toContain('gate NOT met');
    const markdown = formatGateMarkdown(gate);
    expect(markdown).toContain('### Drillbit gate: not met ❌');
    expect(markdown).toContain('| &#60;img src=x onerror=alert(1)&#62; \\| pipes | 20 | 19 | 95.0% | 76.4% | flaky | ❌ | +33 passing |');
    expect(markdown).not.toContain('<img');
  });

  it('passesToMeet is the fewest further passing attempts that meet the minimum: with that many it is met, with one fewer not', () => {
    for (const on of ['lower-bound', 'observed'] as const) {
      for (const [passed, total] of [[1, 1], [10, 10], [19, 20], [3, 7], [0, 2]] as const) {
        for (const minPassRate of [0.5, 0.8, 0.9, 0.95, 0.99]) {
          const needed = evaluateGate({ attempts: attemptsOf('s', passed, total), minPassRate, on }).rows[0]!.passesToMeet;
          expect(needed, `${passed}/${total} vs ${minPassRate} on ${on}`).not.toBeNull();
          const after = (more: number) => evaluateGate({ attempts: attemptsOf('s', passed + more, total + more), minPassRate, on }).met;
          expect(after(needed!), `${passed}/${total} + ${needed} vs ${minPassRate} on ${on}`).toBe(true);
          if (needed! > 0) expect(after(needed! - 1), `${passed}/${total} + ${needed! - 1} vs ${minPassRate} on ${on}`).toBe(false);
        }
      }
    }
  });

  it('passesToMeet is 0 when met, and null where no passing attempts would do: a minimum of 1 on the lower bound, or after a failure on the observed rate', () => {
    expect(evaluateGate({ attempts: attemptsOf('s', 20, 20), minPassRate: 0.8, on: 'lower-bound' }).rows[0]!.passesToMeet).toBe(0);
    expect(evaluateGate({ attempts: attemptsOf('s', 50, 50), minPassRate: 1, on: 'lower-bound' }).rows[0]!.passesToMeet).toBeNull();
    expect(evaluateGate({ attempts: attemptsOf('s', 9, 10), minPassRate: 1, on: 'observed' }).rows[0]!.passesToMeet).toBeNull();
    expect(evaluateGate({ attempts: attemptsOf('s', 10, 10), minPassRate: 1, on: 'observed' }).rows[0]!.passesToMeet).toBe(0);
    expect(evaluateGate({ attempts: attemptsOf('s', 9, 10), minPassRate: 1, on: 'observed' }).reasons).toEqual(['s: pass rate 90.0% (9/10) is below 100.0%; no number of passing attempts would meet it']);
  });
});
