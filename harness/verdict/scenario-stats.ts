import type { ScenarioStatus } from './results.ts';
import { wilsonLowerBound } from './wilson.ts';

/** Per-scenario pass rate over its attempts (`--repeat`, or several runs combined by `drillbit gate`). */
export interface ScenarioStats {
  name: string;
  file: string;
  /** Attempts that reached a verdict (passed, failed or errored); aborted ones are not counted. */
  attempts: number;
  passed: number;
  failed: number;
  errored: number;
  /** Interrupted attempts: no verdict, so neither a pass nor a failure. */
  aborted: number;
  /** passed / attempts; null with no attempt. */
  passRate: number | null;
  /** 95% Wilson score lower bound of the pass rate; null with no attempt. */
  wilsonLower: number | null;
  /** Some attempts passed and some did not. */
  flaky: boolean;
}

export interface AttemptVerdict {
  name: string;
  file: string;
  status: ScenarioStatus;
}

/** Groups attempts by scenario name (unique within a run), in order of first appearance. */
export function scenarioStats(attempts: readonly AttemptVerdict[], options: { round?: boolean } = {}): ScenarioStats[] {
  const byName = new Map<string, ScenarioStats>();
  for (const attempt of attempts) {
    let stats = byName.get(attempt.name);
    if (!stats) {
      stats = { name: attempt.name, file: attempt.file, attempts: 0, passed: 0, failed: 0, errored: 0, aborted: 0, passRate: null, wilsonLower: null, flaky: false };
      byName.set(attempt.name, stats);
    }
    stats[attempt.status]++;
    if (attempt.status !== 'aborted') stats.attempts++;
  }
  const round = options.round ? round4 : (x: number) => x;
  return [...byName.values()].map((s) => ({
    ...s,
    passRate: s.attempts ? round(s.passed / s.attempts) : null,
    wilsonLower: s.attempts ? round(wilsonLowerBound(s.passed, s.attempts)!) : null,
    flaky: s.passed > 0 && s.passed < s.attempts,
  }));
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
