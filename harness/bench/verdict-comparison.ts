import type { ScenarioResult } from '../verdict/results.ts';

/**
 * One scenario's verdict in a wide run against its verdict alone: `same`; `unknown` (it did
 * not pass, and every check that did not pass was unknown because the harness was saturated
 * — the measurement's own reason); `false-failure` (it passed alone, and a check failed or it
 * errored in the wide run); `other` (anything else, e.g. it failed alone).
 */
export interface VerdictComparison {
  name: string;
  kind: 'same' | 'unknown' | 'false-failure' | 'other';
  alone: string;
  wide: string;
  detail: string;
}

export function compareVerdicts(alone: ScenarioResult[], wide: ScenarioResult[]): VerdictComparison[] {
  return alone.map((one) => {
    const other = wide.find((w) => w.name === one.name && w.attempt === one.attempt);
    if (!other) return { name: one.name, kind: 'other', alone: one.status, wide: 'missing', detail: 'not run in the wide run' };
    const base = { name: one.name, alone: one.status, wide: other.status };
    if (other.status === one.status) return { ...base, kind: 'same', detail: one.status };
    const notPassed = other.checks.filter((c) => c.status !== 'passed');
    const onlySaturated = other.status === 'failed' && notPassed.length > 0 && notPassed.every((c) => c.status === 'unknown' && c.harnessSaturated);
    if (onlySaturated) return { ...base, kind: 'unknown', detail: notPassed.map((c) => c.name).join('; ') };
    if (one.status === 'passed') return { ...base, kind: 'false-failure', detail: other.reasons.filter((r) => !r.includes('harness saturated')).join('; ') || other.status };
    return { ...base, kind: 'other', detail: other.reasons.join('; ') };
  });
}
