import { formatMs, parseDuration } from '../util/duration.ts';
import { recentSamples, type Analysis, type AnalysisInput, type AnalysisVerdict } from './analysis.ts';

/** A latency percentile (from intended send time) over the trailing window since the rollout began. */
export class LatencyAnalysis implements Analysis {
  readonly name: string;
  private readonly windowMs: number;
  private readonly limitMs: number;

  constructor(private readonly spec: { percentile: number; above: string | number; for: string | number; minSamples: number }) {
    this.name = `p${spec.percentile} latency`;
    this.windowMs = parseDuration(spec.for);
    this.limitMs = parseDuration(spec.above);
  }

  evaluate({ samples, armedAtMs, nowMs }: AnalysisInput): AnalysisVerdict {
    const window = recentSamples(samples, Math.max(armedAtMs, nowMs - this.windowMs), nowMs);
    if (window.length < this.spec.minSamples) return { status: 'unknown', message: `${window.length} samples, fewer than ${this.spec.minSamples}` };
    const value = percentile(window.map((s) => s.latencyMs), this.spec.percentile);
    const message = `${this.name} ${formatMs(value)} over ${window.length} requests (limit ${formatMs(this.limitMs)})`;
    return { status: value > this.limitMs ? 'fail' : 'pass', message, value };
  }
}

/** Nearest-rank percentile. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? NaN;
}
