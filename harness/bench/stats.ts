import type { BenchMetric, BenchUnit } from './bench-section.ts';

export interface Spread {
  n: number;
  min: number;
  median: number;
  p90: number;
  max: number;
}

/** Quantile by linear interpolation between closest ranks (as numpy's default), so a median of 4 is the mean of the middle two. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new RangeError('quantile of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

export function spread(values: readonly number[]): Spread | undefined {
  if (values.length === 0) return undefined;
  return { n: values.length, min: Math.min(...values), median: quantile(values, 0.5), p90: quantile(values, 0.9), max: Math.max(...values) };
}

export function median(values: readonly number[]): number | null {
  return values.length ? quantile(values, 0.5) : null;
}

export function round(value: number, digits = 1): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export interface SpreadMetricOptions {
  key: string;
  label: string;
  unit: BenchUnit;
  target?: BenchMetric['target'];
  /** Which of median, p90 and max become rows; the target applies to each. Default all three. */
  show?: ('median' | 'p90' | 'max')[];
  digits?: number;
}

/** Median, p90 and max of the rounds as metrics (`<key>.median`, …), null when no round completed. */
export function spreadMetrics(values: readonly number[], options: SpreadMetricOptions): BenchMetric[] {
  const s = spread(values);
  return (options.show ?? ['median', 'p90', 'max']).map((which) => ({
    key: `${options.key}.${which}`,
    label: `${options.label}, ${which}`,
    value: s ? round(s[which], options.digits) : null,
    unit: options.unit,
    stat: `${which} of ${values.length}`,
    ...(options.target && { target: options.target }),
  }));
}
