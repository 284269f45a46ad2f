import { summarize } from '../../traffic/sli-window.ts';
import type { SliSummary } from '../../checks/sli-check.ts';
import type { SampleSeq } from '../../traffic/sample.ts';

/**
 * SLIs of the requests *sent* in [fromMs, toMs): what a user arriving in that window saw.
 * Selecting by send time keeps stragglers sent to a release before a switch out of the
 * window that starts at the switch.
 */
export function slisSentBetween(samples: SampleSeq, fromMs: number, toMs: number): SliSummary {
  return summarize(samples, fromMs, toMs, 'sentMs');
}
