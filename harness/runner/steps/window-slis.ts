import { summarize } from '../../traffic/sli-window.ts';
import type { SliSummary } from '../../checks/sli-check.ts';
import type { SampleSeq } from '../../traffic/sample.ts';
import { measureWindow, type WindowMeasure } from '../../health/window-measure.ts';
import { parseDuration } from '../../util/duration.ts';
import type { Drill } from '../drill.ts';
import { sloViolations } from '../../checks/sli-check.ts';
import { latenessText } from '../../checks/measured-sli-check.ts';

/**
 * SLIs of the requests *sent* in [fromMs, toMs): what a user arriving in that window saw.
 * Selecting by send time keeps stragglers sent to a release before a switch out of the
 * window that starts at the switch.
 */
export function slisSentBetween(samples: SampleSeq, fromMs: number, toMs: number): SliSummary {
  return summarize(samples, fromMs, toMs, 'sentMs');
}

/** The same window, with the harness's own lateness measured alongside (measured-sli-check.ts judges it). */
export function measureSentBetween(drill: Drill, fromMs: number, toMs: number): WindowMeasure {
  const spec = drill.ctx.scenario.traffic;
  return measureWindow({
    samples: drill.samples,
    fromMs,
    toMs,
    health: drill.health,
    timeoutMs: spec ? parseDuration(spec.timeout) : Infinity,
    dropped: drill.traffic?.drops.between(fromMs, toMs) ?? 0,
  });
}

/** A window the verifier tries as the stabilization window: what the SLO says of it, and whether the harness's lateness could account for that. */
export interface WindowJudgement {
  measure: WindowMeasure;
  /** SLO violations as measured; none when the window held (or saw no request). */
  violations: string[];
  /** Set when every violation is within the harness's own lateness (measured-sli-check.ts): the window is unknown, not failed. */
  saturated?: string;
}

export function judgeSentBetween(drill: Drill, fromMs: number, toMs: number): WindowJudgement {
  const measure = measureSentBetween(drill, fromMs, toMs);
  const slo = drill.ctx.scenario.slo;
  const violations = measure.measured.requests > 0 ? sloViolations(measure.measured, slo) : [];
  if (violations.length === 0 || (!measure.mostlyUnmeasured && sloViolations(measure.corrected, slo).length > 0)) return { measure, violations };
  return { measure, violations, saturated: `${violations.join('; ')} within the harness's lateness (${latenessText(measure)})` };
}
