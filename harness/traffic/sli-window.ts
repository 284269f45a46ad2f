import { LatencyHistogram } from './histogram.ts';
import type { Sample, SampleSeq } from './sample.ts';

/**
 * SLIs over a window of samples. With zero requests, availability and latencies are
 * undefined: no data is unknown, never a success (DESIGN.md §2). Latency percentiles
 * cover every sample, failed ones included (a timeout is what the user waited).
 */
export interface SliSummary {
  requests: number;
  errors: number;
  /** ok / requests; undefined when there were no requests. */
  availability: number | undefined;
  p50Ms: number | undefined;
  p95Ms: number | undefined;
  p99Ms: number | undefined;
  maxMs: number | undefined;
}

/** One second of traffic for reports; `tMs` is the bucket's start on the timeline. */
export interface SecondBucket {
  tMs: number;
  requests: number;
  errors: number;
  p50Ms: number | undefined;
  p95Ms: number | undefined;
  p99Ms: number | undefined;
}

/**
 * SLIs of the samples done (or, with `by: 'sentMs'`, sent) in [fromMs, toMs). Samples may
 * be in any order; they are read one at a time, never gathered (a drill's log can hold
 * millions).
 */
export function summarize(samples: Iterable<Sample>, fromMs = -Infinity, toMs = Infinity, by: 'doneMs' | 'sentMs' = 'doneMs'): SliSummary {
  const histogram = new LatencyHistogram();
  let errors = 0;
  for (const sample of samples) {
    if (sample[by] < fromMs || sample[by] >= toMs) continue;
    histogram.record(sample.latencyMs);
    if (!sample.ok) errors++;
  }
  return summaryOf(histogram, errors);
}

/**
 * Per-second buckets by `doneMs`, from the first sample's second to the last's;
 * seconds without samples appear with zero requests, as gaps are part of the story.
 */
export function perSecondSeries(samples: SampleSeq): SecondBucket[] {
  if (samples.length === 0) return [];
  const sorted: Iterable<Sample> = isSortedByDone(samples) ? samples : [...samples].sort((a, b) => a.doneMs - b.doneMs);
  const histogram = new LatencyHistogram();
  const buckets: SecondBucket[] = [];
  let second = Math.floor(firstOf(sorted).doneMs / 1000);
  let errors = 0;
  const flush = (): void => {
    const { p50Ms, p95Ms, p99Ms } = histogram.percentiles();
    buckets.push({ tMs: second * 1000, requests: histogram.count, errors, p50Ms, p95Ms, p99Ms });
    histogram.reset();
    errors = 0;
  };
  for (const sample of sorted) {
    const sampleSecond = Math.floor(sample.doneMs / 1000);
    while (sampleSecond > second) {
      flush();
      second++;
    }
    histogram.record(sample.latencyMs);
    if (!sample.ok) errors++;
  }
  flush();
  return buckets;
}

/** Builds a summary from a filled histogram and its error count. */
export function summaryOf(histogram: LatencyHistogram, errors: number): SliSummary {
  const requests = histogram.count;
  return {
    requests,
    errors,
    availability: requests === 0 ? undefined : (requests - errors) / requests,
    ...histogram.percentiles(),
  };
}

export function isSortedByDone(samples: Iterable<Sample>): boolean {
  let previous = -Infinity;
  for (const sample of samples) {
    if (sample.doneMs < previous) return false;
    previous = sample.doneMs;
  }
  return true;
}

function firstOf(samples: Iterable<Sample>): Sample {
  for (const sample of samples) return sample;
  throw new Error('no samples');
}
