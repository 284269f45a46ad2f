import type { TimelineEvent } from '../../runner/timeline.ts';
import type { ScenarioResult, SeriesPoint } from '../../verdict/results.ts';

export type MarkerKind = 'deploy' | 'deploy-rejected' | 'fault' | 'revert' | 'guard' | 'rollback-start' | 'rollback' | 'restored' | 'abort';

/** A vertical line on the timeline chart. */
export interface ChartMarker {
  tMs: number;
  kind: MarkerKind;
  label: string;
}

/** What the page's chart script draws for one scenario attempt: columns, as uPlot takes them. */
export interface ScenarioChart {
  id: string;
  endMs: number;
  /** Seconds: the middle of each per-second bucket. */
  t: number[];
  requestsPerSecond: number[];
  errorPercent: (number | null)[];
  p50Ms: (number | null)[];
  p95Ms: (number | null)[];
  p99Ms: (number | null)[];
  markers: ChartMarker[];
}

export const MARKER_LEGEND: ReadonlyArray<{ kind: MarkerKind; text: string }> = [
  { kind: 'deploy', text: 'deploy' },
  { kind: 'deploy-rejected', text: 'rejected deploy' },
  { kind: 'fault', text: 'fault injected' },
  { kind: 'revert', text: 'fault reverted' },
  { kind: 'guard', text: 'guard tripped' },
  { kind: 'rollback-start', text: 'rollback started' },
  { kind: 'rollback', text: 'rolled back' },
  { kind: 'restored', text: 'restored (LKG back)' },
  { kind: 'abort', text: 'interrupted' },
];

export function scenarioChart(id: string, result: ScenarioResult): ScenarioChart {
  const series = result.series ?? [];
  const markers = timelineMarkers(result.timeline ?? []);
  const lastEvent = Math.max(0, ...markers.map((m) => m.tMs), ...(result.timeline ?? []).map((e) => e.tMs));
  return {
    id,
    endMs: Math.max(result.durationMs ?? 0, lastEvent, series.length ? series[series.length - 1]!.tMs + 1000 : 0),
    t: series.map((p) => (p.tMs + 500) / 1000),
    requestsPerSecond: series.map((p) => p.requests),
    errorPercent: series.map(errorPercent),
    p50Ms: series.map((p) => p.p50Ms),
    p95Ms: series.map((p) => p.p95Ms),
    p99Ms: series.map((p) => p.p99Ms),
    markers,
  };
}

function errorPercent(p: SeriesPoint): number | null {
  return p.requests > 0 ? Math.round((p.errors / p.requests) * 10_000) / 100 : null;
}

export function timelineMarkers(events: readonly TimelineEvent[]): ChartMarker[] {
  return events.flatMap((e) => {
    const marker = toMarker(e);
    return marker ? [marker] : [];
  });
}

function toMarker(e: TimelineEvent): ChartMarker | undefined {
  const where = [e.service, e.release].filter(Boolean).join('@');
  switch (e.type) {
    case 'deploy':
      return { tMs: e.tMs, kind: 'deploy', label: `deploy ${where}` };
    case 'deploy-rejected':
      return { tMs: e.tMs, kind: 'deploy-rejected', label: `rejected ${where}${e.message ? `: ${e.message}` : ''}` };
    case 'fault':
      return { tMs: e.tMs, kind: 'fault', label: `fault ${text(e.faultId)} ${text(e.fault)} on ${text(e.target)}${e.message ? ` (${e.message})` : ''}` };
    case 'revert':
      return { tMs: e.tMs, kind: 'revert', label: `revert ${text(e.faultId)} ${text(e.fault)} on ${text(e.target)}` };
    case 'guard':
      return { tMs: e.tMs, kind: 'guard', label: `guard on ${text(e.service)}: ${text(e.message)}` };
    case 'rollback-start':
      return { tMs: e.tMs, kind: 'rollback-start', label: `rollback of ${where} started${e.planned ? ' (planned)' : ''}` };
    case 'rollback':
      return { tMs: e.tMs, kind: 'rollback', label: `rolled back to ${where}` };
    case 'restored':
      // The instant the LKG was back (atMs), not when verification finished watching it.
      return { tMs: Number(e.atMs ?? e.tMs), kind: 'restored', label: 'restored: LKG state and SLIs back' };
    case 'abort':
      return { tMs: e.tMs, kind: 'abort', label: `interrupted${e.message ? `: ${e.message}` : ''}` };
    default:
      return undefined;
  }
}

function text(value: unknown): string {
  return value === undefined || value === null ? '?' : String(value);
}
