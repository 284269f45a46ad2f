import type { SloSpec } from '../scenario/schema.ts';
import { parseDuration, formatMs } from '../util/duration.ts';
import { failed, passed, unknown, type CheckResult } from './check-result.ts';

/** What the SLO bounds, over some window of traffic. */
export interface SliSummary {
  requests: number;
  errors: number;
  availability?: number;
  p50Ms?: number;
  p95Ms?: number;
  p99Ms?: number;
  maxMs?: number;
}

/** SLIs against the SLO: availability, and p95/p99 where the SLO sets them. Zero requests is unknown. */
export function sliCheck(name: string, summary: SliSummary, slo: SloSpec): CheckResult {
  const observed = { ...summary };
  if (summary.requests === 0 || summary.availability === undefined || Number.isNaN(summary.availability)) {
    return unknown(name, 'no request completed in the window');
  }
  const violations = sloViolations(summary, slo);
  const text = describeSlis(summary);
  return violations.length ? failed(name, `${violations.join('; ')} (${text})`, observed) : passed(name, text, observed);
}

export function sloViolations(summary: SliSummary, slo: SloSpec): string[] {
  const violations: string[] = [];
  const availability = summary.availability ?? 0;
  if (availability < slo.availability) violations.push(`availability ${pct(availability)} < ${pct(slo.availability)}`);
  for (const key of ['p95', 'p99'] as const) {
    const bound = slo[key];
    const value = summary[`${key}Ms`];
    if (bound === undefined || value === undefined) continue;
    const limit = parseDuration(bound);
    if (value > limit) violations.push(`${key} ${formatMs(value)} > ${formatMs(limit)}`);
  }
  return violations;
}

export function describeSlis(s: SliSummary): string {
  const parts = [`${s.requests} requests`, `availability ${pct(s.availability ?? 0)}`];
  if (s.p95Ms !== undefined) parts.push(`p95 ${formatMs(s.p95Ms)}`);
  if (s.p99Ms !== undefined) parts.push(`p99 ${formatMs(s.p99Ms)}`);
  return parts.join(', ');
}

export function pct(ratio: number): string {
  return `${(ratio * 100).toFixed(2)}%`;
}
