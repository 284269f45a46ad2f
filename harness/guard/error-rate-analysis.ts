import { parseDuration } from '../util/duration.ts';
import { recentSamples, type Analysis, type AnalysisInput, type AnalysisVerdict } from './analysis.ts';

/** Share of failed requests over the trailing window since the rollout began. */
export class ErrorRateAnalysis implements Analysis {
  readonly name = 'error rate';
  private readonly windowMs: number;

  constructor(private readonly spec: { above: number; for: string | number; minSamples: number }) {
    this.windowMs = parseDuration(spec.for);
  }

  evaluate({ samples, armedAtMs, nowMs }: AnalysisInput): AnalysisVerdict {
    const window = recentSamples(samples, Math.max(armedAtMs, nowMs - this.windowMs), nowMs);
    if (window.length < this.spec.minSamples) return { status: 'unknown', message: `${window.length} samples, fewer than ${this.spec.minSamples}` };
    const errors = window.filter((s) => !s.ok).length;
    const rate = errors / window.length;
    const message = `error rate ${(rate * 100).toFixed(1)}% over ${window.length} requests (limit ${(this.spec.above * 100).toFixed(1)}%)`;
    return { status: rate > this.spec.above ? 'fail' : 'pass', message, value: rate };
  }
}
