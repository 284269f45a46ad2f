import { LatencyHistogram } from '../traffic/histogram.ts';
import type { Sample } from '../traffic/sample.ts';
import { summaryOf, type SliSummary } from '../traffic/sli-window.ts';
import type { HealthWindow } from './harness-health.ts';
import { harnessCouldExplainFailure, harnessLatenessMs, type LatenessSource } from './request-lateness.ts';

/** What a window is measured against: a drill's DrillHealth. */
export interface HealthSource extends LatenessSource {
  window(fromMs: number, toMs: number): HealthWindow;
}

/** The harness's share of a window's numbers: what it measured, and the same with its own lateness taken out. */
export interface WindowMeasure {
  fromMs: number;
  toMs: number;
  /** SLIs as measured (latency from the intended send time). */
  measured: SliSummary;
  /**
   * The same requests, each latency less the harness's lateness for it and each failure
   * the harness could explain counted as ok: the best the service can have done.
   */
  corrected: SliSummary;
  /** Failures counted as ok in `corrected` (timeouts that fired while the loop was stalled, requests on a saturated machine). */
  explainedFailures: number;
  /** Requests in flight while the machine's CPUs were saturated: counted in `corrected` as ok and instant (the harness cannot tell their latency from the machine's). */
  unmeasured: number;
  /**
   * True when at least half the window's requests were unmeasured: the rest ran on the
   * same saturated machine, between the readings that caught it, and are no fair sample.
   */
  mostlyUnmeasured: boolean;
  /** Arrivals the engine dropped in the window (never sent, so in neither summary). */
  dropped: number;
  /** Per-request send lag and whole harness lateness (send lag + loop stalls in flight), ms. */
  sendLagP99Ms: number | undefined;
  sendLagMaxMs: number | undefined;
  latenessP99Ms: number | undefined;
  /** The loop and the machine over the window; undefined without a health monitor. */
  health: HealthWindow | undefined;
  /** The measured latency at a percentile (0–100) of the window's requests, ms. */
  latencyAt(percentile: number): number | undefined;
}

export interface WindowMeasureInput {
  samples: Iterable<Sample>;
  /** Requests sent in [fromMs, toMs) on the drill's timeline. */
  fromMs: number;
  toMs: number;
  /** Without one (a monitor-less caller), the harness's lateness is its send lag only. */
  health?: HealthSource;
  /** The traffic's per-request timeout, for telling whose a timeout was. */
  timeoutMs: number;
  dropped?: number;
}

const HEALTHY = { stallBetween: () => 0, machineSaturatedBetween: () => false };

/** One pass over the window's requests: measured SLIs, corrected SLIs and the harness's lateness. */
export function measureWindow(input: WindowMeasureInput): WindowMeasure {
  const { fromMs, toMs, health, timeoutMs } = input;
  const source = health ?? HEALTHY;
  const latency = new LatencyHistogram();
  const corrected = new LatencyHistogram();
  const sendLag = new LatencyHistogram();
  const lateness = new LatencyHistogram();
  let errors = 0;
  let explained = 0;
  let unmeasured = 0;
  for (const sample of input.samples) {
    if (sample.sentMs < fromMs || sample.sentMs >= toMs) continue;
    const late = harnessLatenessMs(sample, source);
    const starved = source.machineSaturatedBetween(sample.intendedMs, sample.doneMs);
    if (starved) unmeasured++;
    latency.record(sample.latencyMs);
    corrected.record(starved ? 0 : sample.latencyMs - late);
    sendLag.record(sample.sentMs - sample.intendedMs);
    lateness.record(late);
    if (sample.ok) continue;
    errors++;
    if (starved || harnessCouldExplainFailure(sample, timeoutMs)) explained++;
  }
  return {
    fromMs,
    toMs,
    measured: summaryOf(latency, errors),
    corrected: summaryOf(corrected, errors - explained),
    explainedFailures: explained,
    unmeasured,
    mostlyUnmeasured: unmeasured > 0 && unmeasured * 2 >= latency.count,
    dropped: input.dropped ?? 0,
    sendLagP99Ms: sendLag.percentile(99),
    sendLagMaxMs: sendLag.percentiles().maxMs,
    latenessP99Ms: lateness.percentile(99),
    health: health?.window(Math.max(0, fromMs), toMs),
    latencyAt: (percentile) => latency.percentile(Math.min(100, percentile)),
  };
}
