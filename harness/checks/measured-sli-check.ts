import type { SloSpec } from '../scenario/schema.ts';
import type { WindowMeasure } from '../health/window-measure.ts';
import { formatMs } from '../util/duration.ts';
import { harnessSaturated, type CheckResult } from './check-result.ts';
import { pct, sliCheck, sloViolations, type SliSummary } from './sli-check.ts';

/**
 * SLIs of a window against the SLO, judged with the harness's own lateness in view
 * (issue 13 §3). The harness can only make a result look worse than the service was:
 * latency is measured from the intended send time, so its stalls add to it, and a
 * timeout that fires while its loop is stalled fails a request the service may have
 * answered. So:
 *
 * - a violation that persists with the harness's lateness taken out of every request
 *   (`WindowMeasure.corrected`) is the service's: **failed**;
 * - a violation that the harness's lateness could account for — the corrected numbers
 *   are within the SLO — is **unknown**, with how late the harness was: the margin by
 *   which the SLO was missed is no larger than what the harness itself added; so is any
 *   violation in a window where most requests were in flight on a saturated machine;
 * - a result within the SLO is **passed**, unless arrivals the harness dropped (never
 *   sent) could have missed it, counted as failed and infinitely slow: then unknown.
 *
 * Unknown fails the scenario as "no data" does (DESIGN.md §2): a real regression is
 * never passed, and it is only ever called unknown when its margin is smaller than the
 * lateness the harness measured on those very requests.
 */
export function measuredSliCheck(name: string, measure: WindowMeasure, slo: SloSpec): CheckResult {
  const plain = sliCheck(name, measure.measured, slo);
  const observed = { ...plain.observed, harness: harnessObserved(measure) };
  if (plain.status === 'unknown') return plain;
  if (plain.status === 'passed') {
    const worst = worstWithDrops(measure);
    if (!worst || sloViolations(worst, slo).length === 0) return { ...plain, observed };
    return harnessSaturated(name, `${measure.dropped} arrivals dropped at the in-flight limit were never sent, and could have missed the SLO (${plain.message})`, observed);
  }
  const missed = sloViolations(measure.measured, slo);
  const remaining = measure.mostlyUnmeasured ? [] : sloViolations(measure.corrected, slo);
  if (remaining.length === 0) {
    return harnessSaturated(name, `${latenessText(measure)}; ${missed.join('; ')} is within its lateness (${correctedText(measure)} without it)`, observed);
  }
  const late = (measure.latenessP99Ms ?? 0) >= 1 ? `; ${remaining.join('; ')} even without the harness's lateness (${latenessText(measure)})` : '';
  return { ...plain, message: `${plain.message}${late}`, observed };
}

/** How late the harness was in the window, for people: send lag, loop stalls, the machine. */
export function latenessText(measure: WindowMeasure): string {
  const parts = [`send lag p99 ${formatMs(measure.sendLagP99Ms ?? 0)}`];
  const health = measure.health;
  if (health) parts.push(`event-loop delay p99 ${formatMs(health.eventLoopDelayP99Ms)} (max ${formatMs(health.eventLoopDelayMaxMs)})`);
  parts.push(`lateness p99 ${formatMs(measure.latenessP99Ms ?? 0)}`);
  if (measure.explainedFailures) parts.push(`${measure.explainedFailures} failures it could have caused`);
  if (health?.cpu) parts.push(`machine CPU ${Math.round(health.cpu.machineBusy * 100)}%${health.cpu.waiting !== undefined ? ` (the harness waited for a CPU ${Math.round(health.cpu.waiting * 100)}% of the time)` : ''}`);
  if (measure.unmeasured) parts.push(`${measure.unmeasured} of ${measure.measured.requests} requests in flight while the machine was saturated${measure.mostlyUnmeasured ? ', too many to judge the rest' : ''}`);
  return parts.join(', ');
}

function correctedText(measure: WindowMeasure): string {
  const c = measure.corrected;
  const parts = [`availability ${pct(c.availability ?? 0)}`];
  if (c.p95Ms !== undefined) parts.push(`p95 ${formatMs(c.p95Ms)}`);
  if (c.p99Ms !== undefined) parts.push(`p99 ${formatMs(c.p99Ms)}`);
  return parts.join(', ');
}

/** The window with every dropped arrival counted as a failed request slower than any measured. */
function worstWithDrops(measure: WindowMeasure): SliSummary | undefined {
  const { measured: m, dropped } = measure;
  if (dropped === 0 || m.requests === 0) return undefined;
  const total = m.requests + dropped;
  const at = (p: number) => (dropped >= (1 - p / 100) * total ? Infinity : measure.latencyAt((p * total) / m.requests));
  return { requests: total, errors: m.errors + dropped, availability: (m.requests - m.errors) / total, p95Ms: at(95), p99Ms: at(99) };
}

function harnessObserved(measure: WindowMeasure): Record<string, unknown> {
  const h = measure.health;
  return {
    sendLagP99Ms: round(measure.sendLagP99Ms),
    sendLagMaxMs: round(measure.sendLagMaxMs),
    latenessP99Ms: round(measure.latenessP99Ms),
    explainedFailures: measure.explainedFailures,
    unmeasured: measure.unmeasured,
    dropped: measure.dropped,
    ...(h ? { eventLoopDelayP99Ms: round(h.eventLoopDelayP99Ms), eventLoopDelayMaxMs: round(h.eventLoopDelayMaxMs), stallMs: round(h.stallMs) } : {}),
    ...(h?.cpu ? { machineCpu: round(h.cpu.machineBusy), machineCpuPressure: round(h.cpu.pressure), cpuWaiting: round(h.cpu.waiting), cpuWaitPerWakeMs: round(h.cpu.waitPerWakeMs), cpuMs: round(h.cpu.processMs) } : {}),
    corrected: { availability: round(measure.corrected.availability), p95Ms: round(measure.corrected.p95Ms), p99Ms: round(measure.corrected.p99Ms) },
  };
}

function round(value: number | undefined): number | null {
  return value === undefined || !Number.isFinite(value) ? null : Math.round(value * 1000) / 1000;
}
