import type { Sample, SampleSeq } from '../traffic/sample.ts';

export type AnalysisStatus = 'pass' | 'fail' | 'unknown';

export interface AnalysisVerdict {
  status: AnalysisStatus;
  message: string;
  value?: number;
}

export interface AnalysisInput {
  service: string;
  samples: SampleSeq;
  /** When the rollout under watch switched traffic to the candidate. */
  armedAtMs: number;
  nowMs: number;
}

/** One measurement a guard runs on each tick; unknown (too little data) never trips and never counts as a pass. */
export interface Analysis {
  readonly name: string;
  evaluate(input: AnalysisInput): AnalysisVerdict | Promise<AnalysisVerdict>;
}

/**
 * Samples completed in [fromMs, toMs]. Samples are appended as they complete, so the
 * scan runs backwards and stops once it is well past the window.
 */
export function recentSamples(samples: SampleSeq, fromMs: number, toMs: number): Sample[] {
  const found: Sample[] = [];
  const slackMs = 5_000;
  for (let i = samples.length - 1; i >= 0; i--) {
    const sample = samples.at(i)!;
    if (sample.doneMs < fromMs - slackMs) break;
    if (sample.doneMs >= fromMs && sample.doneMs <= toMs) found.push(sample);
  }
  return found.reverse();
}
