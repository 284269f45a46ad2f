import { request } from 'undici';
import { parseDuration } from '../util/duration.ts';
import type { Analysis, AnalysisInput, AnalysisVerdict } from './analysis.ts';
import { parsePrometheusText } from './prometheus-text.ts';
import { SeriesSelector } from './series-selector.ts';

export interface MetricsAnalysisSpec {
  path: string;
  errors: string;
  total: string;
  above: number;
  for: string | number;
}

/** The replicas to scrape: each serving replica's own address (counters are per process). */
export type ScrapeTargets = (service: string) => Promise<{ id: string; url: URL }[]>;

interface Point {
  tMs: number;
  errors: number;
  total: number;
}

const SCRAPE_TIMEOUT_MS = 1000;

/**
 * The service's own view, as Argo Rollouts' Prometheus analysis: the increase of an
 * error counter over the increase of a total counter across the serving replicas, over
 * the trailing window. No increase of the total is unknown, never a pass.
 */
export class MetricsAnalysis implements Analysis {
  readonly name = 'metrics error ratio';
  private readonly errors: SeriesSelector;
  private readonly total: SeriesSelector;
  private readonly windowMs: number;
  private readonly history = new Map<string, Point[]>();

  constructor(
    private readonly spec: MetricsAnalysisSpec,
    private readonly targets: ScrapeTargets,
  ) {
    this.errors = SeriesSelector.parse(spec.errors);
    this.total = SeriesSelector.parse(spec.total);
    this.windowMs = parseDuration(spec.for);
  }

  async evaluate({ service, armedAtMs, nowMs }: AnalysisInput): Promise<AnalysisVerdict> {
    const targets = await this.targets(service);
    const scraped = await Promise.all(targets.map(async (t) => ({ id: t.id, text: await scrape(new URL(this.spec.path, t.url)) })));
    const fromMs = Math.max(armedAtMs, nowMs - this.windowMs);
    let errors = 0;
    let total = 0;
    for (const { id, text } of scraped) {
      const series = parsePrometheusText(text);
      const points = this.record(id, { tMs: nowMs, errors: this.errors.sum(series), total: this.total.sum(series) }, fromMs);
      const increase = increaseOver(points, fromMs);
      errors += increase.errors;
      total += increase.total;
    }
    if (total <= 0) return { status: 'unknown', message: `no requests counted by ${this.spec.total} since the window began` };
    const ratio = errors / total;
    const message = `${this.spec.errors} / ${this.spec.total} = ${(ratio * 100).toFixed(1)}% over ${total} requests (limit ${(this.spec.above * 100).toFixed(1)}%)`;
    return { status: ratio > this.spec.above ? 'fail' : 'pass', message, value: ratio };
  }

  private record(id: string, point: Point, fromMs: number): Point[] {
    const points = [...(this.history.get(id) ?? []), point];
    // Keep one point at or before the window start as the baseline, drop older ones.
    const baseline = points.findLastIndex((p) => p.tMs <= fromMs);
    const kept = points.slice(Math.max(0, baseline));
    this.history.set(id, kept);
    return kept;
  }
}

/** Counter increase from the baseline to the newest point; a counter that went down restarted from 0. */
function increaseOver(points: Point[], fromMs: number): { errors: number; total: number } {
  const newest = points[points.length - 1]!;
  const baseline = points.find((p) => p.tMs <= fromMs) ?? points[0]!;
  if (baseline === newest) return { errors: 0, total: 0 };
  const delta = (a: number, b: number) => (b >= a ? b - a : b);
  return { errors: delta(baseline.errors, newest.errors), total: delta(baseline.total, newest.total) };
}

async function scrape(url: URL): Promise<string> {
  const response = await request(url, { headersTimeout: SCRAPE_TIMEOUT_MS, bodyTimeout: SCRAPE_TIMEOUT_MS });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`GET ${url.pathname} answered ${response.statusCode}`);
  return text;
}
