import type { CheckResult } from '../checks/check-result.ts';
import { RTO_CHECK_PREFIX } from '../checks/recovery-check.ts';
import { formatMs } from '../util/duration.ts';
import type { ScenarioResult } from '../verdict/results.ts';

/** One SLO target of an attempt, as a check judged it: the mark is the check's status, never recomputed. */
export interface SloRow {
  check: string;
  status: CheckResult['status'];
  target: string;
  measured: string;
}

/**
 * The checks of an attempt that judge an SLO target (recovery time, an SLI window, data
 * loss), each with the target and what was measured: k6's end-of-test thresholds, for a drill.
 */
export function sloRows(result: ScenarioResult): SloRow[] {
  const rows: SloRow[] = [];
  for (const check of result.checks) {
    const row = sloRow(check, result);
    if (row) rows.push(row);
  }
  return rows;
}

function sloRow(check: CheckResult, result: ScenarioResult): SloRow | undefined {
  const o = check.observed ?? {};
  const slo = result.slo;
  const base = { check: check.name, status: check.status };
  if (check.name.startsWith(RTO_CHECK_PREFIX)) {
    const { ttrMs, rtoMs } = result.recovery;
    return { ...base, target: `≤ ${formatMs(rtoMs)}`, measured: ttrMs === null ? 'not restored' : `ttr ${formatMs(ttrMs)}` };
  }
  if (typeof o.requests === 'number' && 'availability' in o) {
    const target = [`availability ≥ ${pct(slo?.availability)}`];
    const measured = [`${typeof o.availability === 'number' ? pct(o.availability) : '—'}`];
    if (slo?.p95Ms !== undefined) {
      target.push(`p95 ≤ ${formatMs(slo.p95Ms)}`);
      measured.push(typeof o.p95Ms === 'number' ? `p95 ${formatMs(o.p95Ms)}` : 'p95 —');
    }
    if (slo?.p99Ms !== undefined) {
      target.push(`p99 ≤ ${formatMs(slo.p99Ms)}`);
      measured.push(typeof o.p99Ms === 'number' ? `p99 ${formatMs(o.p99Ms)}` : 'p99 —');
    }
    measured.push(`${o.requests} req`);
    return { ...base, target: target.join(', '), measured: measured.join(', ') };
  }
  if (typeof o.acked === 'number' && typeof o.lost === 'number') {
    return { ...base, target: `≤ ${slo?.dataLoss ?? 0} lost`, measured: `${o.lost} of ${o.acked} acked lost` };
  }
  return undefined;
}

function pct(x: number | undefined): string {
  return x === undefined ? '—' : `${(x * 100).toFixed(2)}%`;
}
