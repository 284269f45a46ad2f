import type { CheckResult } from '../../checks/check-result.ts';
import type { ScenarioResult } from '../../verdict/results.ts';
import { escapeHtml } from './escape.ts';
import { count, ms, pct, shortDigest, yesNo } from './format.ts';
import { statusCell, table, type Cell } from './markup.ts';

const CHECK_ORDER: Record<string, number> = { failed: 0, unknown: 1, passed: 2 };

/** Failed checks first, then unknown (no data), then passed; the run's own order within each. */
export function orderChecks(checks: readonly CheckResult[]): CheckResult[] {
  return [...checks].sort((a, b) => (CHECK_ORDER[a.status] ?? 1) - (CHECK_ORDER[b.status] ?? 1));
}

export function checksTable(checks: readonly CheckResult[]): string {
  if (checks.length === 0) return '<p class="muted">No check ran, so nothing was verified.</p>';
  const rows = orderChecks(checks).map((c): Cell[] => [statusCell(c.status), c.name, c.message, ms(c.tMs)]);
  return table(['status', 'check', 'result', 'at'], rows, { numeric: [3], cls: 'checks' });
}

type SloStatus = 'met' | 'missed' | 'no-data' | 'n-a';

/** Target against measured, per SLO term. Nothing measured is "no data", never "met". */
export function sloTable(r: ScenarioResult): string {
  const slo = r.slo;
  const rows: Cell[][] = [];
  const availability = r.slis?.availability ?? null;
  if (slo) rows.push(['availability (whole drill)', `≥ ${pct(slo.availability)}`, pct(availability), sloStatus(availability, (v) => v >= slo.availability)]);
  else rows.push(['availability (whole drill)', 'not recorded', pct(availability), statusCell('n-a', 'no target')]);
  for (const key of ['p95', 'p99'] as const) {
    const target = slo?.[`${key}Ms`];
    const measured = r.slis?.[`${key}Ms`] ?? null;
    rows.push([`${key} latency`, target === undefined ? 'no target' : `≤ ${ms(target)}`, ms(measured), target === undefined ? statusCell('n-a', 'n/a') : sloStatus(measured, (v) => v <= target)]);
  }
  rows.push(recoveryRow(r));
  rows.push(dataLossRow(r));
  return table(['SLO', 'target', 'measured', ''], rows, { cls: 'slo' });
}

function sloStatus(measured: number | null, ok: (v: number) => boolean): Cell {
  const status: SloStatus = measured === null ? 'no-data' : ok(measured) ? 'met' : 'missed';
  return statusCell(status, status === 'no-data' ? 'no data' : status);
}

function recoveryRow(r: ScenarioResult): Cell[] {
  const rto = finite(r.slo?.recoveryTimeMs) ?? finite(r.recovery?.rtoMs);
  const target = rto === undefined ? 'not recorded' : `≤ ${ms(rto)} (RTO)`;
  const { ttrMs, detection } = r.recovery ?? { ttrMs: null };
  if (ttrMs === null && !detection) return ['recovery time', target, 'nothing detected', statusCell('n-a', 'n/a')];
  if (ttrMs === null) return ['recovery time', target, 'never restored', statusCell('missed')];
  return ['recovery time', target, ms(ttrMs), rto === undefined ? statusCell('no-data', 'no target') : sloStatus(ttrMs, (v) => v <= rto)];
}

function finite(value: number | null | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function dataLossRow(r: ScenarioResult): Cell[] {
  const allowed = r.slo?.dataLoss ?? 0;
  const target = `≤ ${allowed} acknowledged writes lost`;
  const data = r.data;
  if (!data) return ['data loss', target, 'not recorded', statusCell('no-data', 'no data')];
  // Checked before "no writes": a drill rebuilt from its journal knows no counts, which is not zero writes.
  if (data.readBack === false) return ['data loss', target, `not read back${data.readBackError ? `: ${data.readBackError}` : ''}`, statusCell('no-data', 'no data')];
  if (data.acked === 0 && !data.attempted) return ['data loss', target, 'no writes', statusCell('n-a', 'n/a')];
  return ['data loss', target, `${data.lost} of ${data.acked} lost`, sloStatus(data.lost, (v) => v <= allowed)];
}

export function recoveryTable(r: ScenarioResult): string {
  const rec = r.recovery;
  if (!rec) return '<p class="muted">No recovery numbers.</p>';
  const rows: Cell[][] = [
    ['detection', rec.detection ?? 'nothing detected'],
    ['first bad observation at', ms(rec.firstBadMs)],
    ['detected at', ms(rec.detectedMs)],
    ['restored at', ms(rec.restoredMs)],
    ['time to detect (ttd)', ms(rec.ttdMs)],
    ['time to restore (ttr)', ms(rec.ttrMs)],
    ['RTO', ms(rec.rtoMs)],
    ['within SLO', rec.withinSlo === null ? statusCell('n-a', '—') : statusCell(rec.withinSlo ? 'yes' : 'no', yesNo(rec.withinSlo))],
  ];
  const fault = rec.afterFault;
  if (fault) {
    rows.push(
      [`fault ${fault.faultId} injected at`, ms(fault.injectedMs)],
      [`fault ${fault.faultId} reverted at`, ms(fault.revertedMs)],
      ['time to recover after the revert', fault.recoverMs === null ? 'not restored' : ms(fault.recoverMs)],
      ['impact (injection → restored)', fault.impactMs === null ? 'not restored' : ms(fault.impactMs)],
    );
  }
  return table(['', ''], rows, { numeric: [1], cls: 'recovery' });
}

export function lkgTable(r: ScenarioResult): string {
  const entries = Object.entries(r.lkg ?? {});
  if (entries.length === 0) return '<p class="muted">No LKG comparison recorded.</p>';
  const rows = entries.map(([service, l]): Cell[] => [
    service,
    { text: shortDigest(l.expected), cls: 'digest', title: l.expected },
    { text: shortDigest(l.observed), cls: 'digest', title: l.observed },
    l.match ? statusCell('yes', 'match') : l.unobservable ? statusCell('no-data', 'unobservable') : statusCell('no', 'differs'),
    l.reason ?? l.unobservable ?? '',
    l.evidence ? `${l.evidence.release}, ${l.evidence.config}` : '',
  ]);
  return table(['service', 'expected (LKG)', 'observed', '', 'why', 'evidence'], rows, { cls: 'lkg' });
}

export function dataTable(r: ScenarioResult): string {
  const d = r.data;
  if (!d) return '<p class="muted">No data recorded.</p>';
  const lostIds = d.lostIds?.length ? ` <span class="muted">(${escapeHtml(d.lostIds.slice(0, 20).join(', '))}${d.lostIds.length > 20 ? ', …' : ''})</span>` : '';
  const rows: Cell[][] = [
    ['attempted', count(d.attempted)],
    ['acknowledged', count(d.acked)],
    ['failed', count(d.failed)],
    ['indeterminate', count(d.indeterminate)],
    ['lost (acked, absent)', { markup: `${escapeHtml(count(d.lost))}${lostIds}`, cls: d.lost > 0 ? 'cell-status status-missed' : '' }],
    ['unexpected (never attempted)', count(d.unexpected)],
    ['recovered (indeterminate, present)', count(d.recovered)],
    ['read back', d.readBack === undefined ? '—' : d.readBack ? 'yes' : `no${d.readBackError ? `: ${d.readBackError}` : ''}`],
  ];
  return table(['', ''], rows, { numeric: [1], cls: 'data' });
}

export function faultsTable(r: ScenarioResult): string {
  const faults = r.faults ?? [];
  if (faults.length === 0) return '<p class="muted">No faults in this drill.</p>';
  const good = new Set(['reverted', 'skipped']);
  const rows = faults.map((f): Cell[] => [f.id, f.fault, f.target, statusCell(good.has(f.status) ? 'met' : f.status === 'injected' ? 'unknown' : 'missed', f.status), ms(f.injectedAtMs), ms(f.revertedAtMs), f.error ?? '']);
  return table(['id', 'fault', 'target', 'status', 'injected', 'reverted', 'error'], rows, { numeric: [4, 5], cls: 'faults' });
}
