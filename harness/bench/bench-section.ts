/** What every section of `npm run bench` gets from the orchestrator. */
export interface BenchContext {
  /** `--quick`: fewer rounds and shorter steps, for a smoke run. */
  quick: boolean;
  /** The project root: scenarios, fixtures and bin/ are found from here. */
  root: string;
  /** Aborted on Ctrl-C: sections stop between rounds and clean up. */
  signal: AbortSignal;
  /** Progress lines for the person watching; not part of the results. */
  progress: (message: string) => void;
}

export type BenchUnit = 'ms' | 'intervals' | 'req/s' | 'µs' | 'ratio' | 'core' | 'drills';

/** One number of the bench: what the table shows and bench.json keeps. */
export interface BenchMetric {
  /** Stable key for readers of bench.json (`rollback-switch.firstLkg.p90`). */
  key: string;
  label: string;
  /** Null when the section could not measure it (no rounds completed, no /proc…). */
  value: number | null;
  unit: BenchUnit;
  /** How the value summarizes the rounds: "median of 3", "p90 of 20". */
  stat?: string;
  /** The target for it, when there is one; lower is better unless `atLeast`. */
  target?: { atMost?: number; atLeast?: number };
}

export interface SectionReport {
  name: string;
  title: string;
  durationMs: number;
  metrics: BenchMetric[];
  /** What to keep in mind when reading the numbers (bottlenecks, caveats). */
  notes: string[];
  /** Every raw round, for whoever wants to recompute. */
  details: unknown;
  error?: string;
}

export type SectionOutcome = Omit<SectionReport, 'name' | 'title' | 'durationMs' | 'error'>;

/** One bench: a title and a run that returns its metrics. Registered in main.ts. */
export interface BenchSection {
  name: string;
  title: string;
  run(ctx: BenchContext): Promise<SectionOutcome>;
}

/** Whether a metric meets its target; undefined when it has none or no value. */
export function meetsTarget(metric: BenchMetric): boolean | undefined {
  if (!metric.target || metric.value === null) return undefined;
  const { atMost, atLeast } = metric.target;
  return (atMost === undefined || metric.value <= atMost) && (atLeast === undefined || metric.value >= atLeast);
}
