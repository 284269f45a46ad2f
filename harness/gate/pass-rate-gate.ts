import { scenarioStats, type AttemptVerdict, type ScenarioStats } from '../verdict/scenario-stats.ts';
import { wilsonLowerBound } from '../verdict/wilson.ts';

/** What the gate compares with the minimum: the 95% Wilson lower bound, or the observed pass rate. */
export type GateOn = 'lower-bound' | 'observed';
export const gateModes: readonly GateOn[] = ['lower-bound', 'observed'];

export interface GateRow extends ScenarioStats {
  /** The number compared with the minimum (null: no attempt reached a verdict). */
  measured: number | null;
  met: boolean;
  /**
   * How many more attempts, all passing, would make the row meet the minimum: 0 when it is
   * met, null when none would (a minimum of 100% on the lower bound, or after a failure).
   */
  passesToMeet: number | null;
}

export interface GateResult {
  minPassRate: number;
  on: GateOn;
  rows: GateRow[];
  /** Every scenario met the minimum, something was measured, no run was aborted and every input was read whole. */
  met: boolean;
  /** Why the gate is not met, one line each. */
  reasons: string[];
}

export interface GateInput {
  attempts: readonly AttemptVerdict[];
  minPassRate: number;
  on: GateOn;
  /** A run was interrupted: its scenarios may be missing, so the gate cannot be met. */
  aborted?: boolean;
  /** An input could not be read whole. */
  incomplete?: boolean;
}

// Pass rates are exact ratios; without a little slack 0.95 (19/20) would miss a 0.95 gate on rounding.
const EPSILON = 1e-9;

/** The CI gate: per scenario, its attempts' pass rate (or its lower bound) against the minimum. */
export function evaluateGate(input: GateInput): GateResult {
  const rows = scenarioStats(input.attempts).map((stats): GateRow => {
    const measured = input.on === 'lower-bound' ? stats.wilsonLower : stats.passRate;
    const met = measured !== null && measured + EPSILON >= input.minPassRate;
    return { ...stats, measured, met, passesToMeet: met ? 0 : passesToMeet(stats, input) };
  });
  const reasons: string[] = [];
  if (rows.length === 0) reasons.push('no scenario results: nothing to gate on');
  for (const row of rows.filter((r) => !r.met)) reasons.push(rowReason(row, input));
  if (input.aborted) reasons.push('a run was aborted before every scenario finished');
  if (input.incomplete) reasons.push('an input could not be read whole');
  return { minPassRate: input.minPassRate, on: input.on, rows, met: reasons.length === 0, reasons };
}

function rowReason(row: GateRow, input: GateInput): string {
  if (row.measured === null) return `${row.name}: no attempt reached a verdict (${row.aborted} aborted)`;
  const what = input.on === 'lower-bound' ? `95% lower bound ${percent(row.measured)} (observed ${row.passed}/${row.attempts})` : `pass rate ${percent(row.measured)} (${row.passed}/${row.attempts})`;
  return `${row.name}: ${what} is below ${percent(input.minPassRate)}; ${describePassesToMeet(row.passesToMeet)}`;
}

/** Beyond this many, "more attempts" is no advice: the gate's minimum is what to change. */
const MAX_PASSES_TO_MEET = 100_000;

/** The fewest further attempts, every one passing, after which the row's measure reaches the minimum. */
function passesToMeet(stats: ScenarioStats, input: GateInput): number | null {
  const { passed, attempts } = stats;
  const reaches = (more: number) => {
    const measure = input.on === 'lower-bound' ? wilsonLowerBound(passed + more, attempts + more) : (passed + more) / (attempts + more);
    return measure !== null && measure + EPSILON >= input.minPassRate;
  };
  if (!reaches(MAX_PASSES_TO_MEET)) return null;
  // Both measures only grow with each passing attempt: the first that reaches is found by bisection.
  let [low, high] = [0, MAX_PASSES_TO_MEET];
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (reaches(mid)) high = mid;
    else low = mid + 1;
  }
  return low;
}

export function describePassesToMeet(passes: number | null): string {
  if (passes === null) return 'no number of passing attempts would meet it';
  if (passes === 0) return 'met';
  return `${passes} more passing attempt${passes === 1 ? '' : 's'} would meet it`;
}

export function percent(x: number | null): string {
  return x === null ? '–' : `${(x * 100).toFixed(1)}%`;
}
