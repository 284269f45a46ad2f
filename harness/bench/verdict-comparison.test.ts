import { describe, expect, it } from 'vitest';
import { harnessSaturated, failed, passed } from '../checks/check-result.ts';
import type { ScenarioResult } from '../verdict/results.ts';
import { compareVerdicts } from './verdict-comparison.ts';

const result = (name: string, status: ScenarioResult['status'], checks = [passed('c', 'ok')]) => ({ name, attempt: 1, status, checks, reasons: checks.filter((c) => c.status !== 'passed').map((c) => `${c.name}: ${c.message}`) }) as unknown as ScenarioResult;

describe('compareVerdicts', () => {
  it('tells same, unknown for the harness, false failures and other differences apart', () => {
    const alone = [result('a', 'passed'), result('b', 'passed'), result('c', 'passed'), result('d', 'failed', [failed('x', 'slow')])];
    const wide = [
      result('a', 'passed'),
      result('b', 'failed', [passed('c', 'ok'), harnessSaturated('steady', 'send lag p99 300ms')]),
      result('c', 'failed', [harnessSaturated('steady', 'late'), failed('SLIs over the whole drill', 'p95 2s > 250ms')]),
      result('d', 'passed'),
    ];
    expect(compareVerdicts(alone, wide).map((c) => c.kind)).toEqual(['same', 'unknown', 'false-failure', 'other']);
    expect(compareVerdicts(alone, wide)[2]!.detail).toBe('SLIs over the whole drill: p95 2s > 250ms');
  });
});
