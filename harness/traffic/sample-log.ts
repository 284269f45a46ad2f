import { LatencyHistogram } from './histogram.ts';
import type { Sample } from './sample.ts';
import { perSecondSeries, summaryOf, type SecondBucket, type SliSummary } from './sli-window.ts';

/**
 * Every sample of a drill, kept sorted by `doneMs` so window queries are two binary
 * searches. Samples come from the engine in completion order, so `add` is an append;
 * an out-of-order sample (another clock, a merged log) is inserted in place.
 */
export class SampleLog {
  private readonly samples: Sample[] = [];

  /** Bound, so it can be handed to the engine as `onSample` directly. */
  readonly add = (sample: Sample): void => {
    const last = this.samples[this.samples.length - 1];
    if (last === undefined || last.doneMs <= sample.doneMs) this.samples.push(sample);
    else this.samples.splice(this.upperBound(sample.doneMs), 0, sample);
  };

  get length(): number {
    return this.samples.length;
  }

  /** All samples, in `doneMs` order. */
  all(): readonly Sample[] {
    return this.samples;
  }

  /** Samples done in [fromMs, toMs), in `doneMs` order. */
  window(fromMs = -Infinity, toMs = Infinity): Sample[] {
    return this.samples.slice(this.lowerBound(fromMs), this.lowerBound(toMs));
  }

  /** SLIs of the samples done in [fromMs, toMs). */
  summarize(fromMs = -Infinity, toMs = Infinity): SliSummary {
    const histogram = new LatencyHistogram();
    let errors = 0;
    const end = this.lowerBound(toMs);
    for (let i = this.lowerBound(fromMs); i < end; i++) {
      const sample = this.samples[i]!;
      histogram.record(sample.latencyMs);
      if (!sample.ok) errors++;
    }
    return summaryOf(histogram, errors);
  }

  perSecond(): SecondBucket[] {
    return perSecondSeries(this.samples);
  }

  /** Index of the first sample with doneMs >= t. */
  private lowerBound(t: number): number {
    let lo = 0;
    let hi = this.samples.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.samples[mid]!.doneMs < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the first sample with doneMs > t. */
  private upperBound(t: number): number {
    let lo = 0;
    let hi = this.samples.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.samples[mid]!.doneMs <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
