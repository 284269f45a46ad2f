import { summarize } from '../../traffic/sli-window.ts';
import type { SliSummary } from '../../checks/sli-check.ts';
import type { SampleSeq } from '../../traffic/sample.ts';

/**
 * SLIs of the requests *sent* in [fromMs, toMs): what a user arriving in that window saw.
 * Selecting by send time keeps stragglers sent to a release before a switch out of the
 * window that starts at the switch.
 */
export function slisSentBetween(samples: SampleSeq, fromMs: number, toMs: number): SliSummary {
  const summary = summarize(samples, fromMs, toMs, 'sentMs');
  return {
    requests: summary.requests,
    errors: summary.errors,
    availability: summary.requests > 0 ? summary.availability : undefined,
    p50Ms: summary.p50Ms,
    p95Ms: summary.p95Ms,
    p99Ms: summary.p99Ms,
    maxMs: summary.maxMs,
  };
}
