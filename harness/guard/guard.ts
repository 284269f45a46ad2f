import type { GuardSpec } from '../scenario/schema.ts';
import type { Sample, SampleSeq } from '../traffic/sample.ts';
import type { Timeline } from '../runner/timeline.ts';
import type { Logger } from '../runner/logger.ts';
import { errorMessage } from '../errors.ts';
import { parseDuration } from '../util/duration.ts';
import type { Analysis, AnalysisVerdict } from './analysis.ts';
import { ErrorRateAnalysis } from './error-rate-analysis.ts';
import { LatencyAnalysis } from './latency-analysis.ts';

export interface GuardTrip {
  service: string;
  tMs: number;
  analysis: string;
  message: string;
}

export interface GuardOptions {
  spec: GuardSpec;
  timeline: Timeline;
  samples: SampleSeq;
  log: Logger;
  /** Extra analyses (e.g. the service's own /metrics), built by the caller that can reach the service. */
  extraAnalyses?: Analysis[];
  /** What a failed analysis does: roll back, or stop the drill. */
  onTrip: (trip: GuardTrip) => Promise<void>;
}

/**
 * Automated rollback hook, as Argo Rollouts' analysis: while a rollout is armed, every
 * interval each analysis judges the traffic since the switch; the first failure trips it.
 */
export class Guard {
  readonly trips: GuardTrip[] = [];
  /** Ticks where at least one analysis had enough data to judge. */
  evaluations = 0;
  /** Ticks while armed where no analysis had enough data. */
  blindTicks = 0;
  /** What the analyses said on the last tick none of them could judge (too few samples, a scrape that failed). */
  lastBlindReason: string | undefined;
  private armed: { service: string; sinceMs: number } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private readonly analyses: Analysis[];
  readonly intervalMs: number;

  constructor(private readonly options: GuardOptions) {
    const { spec } = options;
    this.intervalMs = parseDuration(spec.interval);
    this.analyses = [
      ...(spec.errorRate ? [new ErrorRateAnalysis(spec.errorRate)] : []),
      ...(spec.latency ? [new LatencyAnalysis(spec.latency)] : []),
      ...(options.extraAnalyses ?? []),
    ];
  }

  start(): void {
    this.timer ??= setInterval(() => void this.tick(), this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.armed = undefined;
  }

  /** Watch a rollout of `service` whose candidate took traffic at `sinceMs`. */
  arm(service: string, sinceMs: number): void {
    this.armed = { service, sinceMs };
  }

  disarm(service?: string): void {
    if (!service || this.armed?.service === service) this.armed = undefined;
  }

  get watching(): string | undefined {
    return this.armed?.service;
  }

  private async tick(): Promise<void> {
    const armed = this.armed;
    if (!armed || this.busy) return;
    this.busy = true;
    try {
      const nowMs = this.options.timeline.now();
      const verdicts = await Promise.all(this.analyses.map((a) => this.evaluate(a, armed.service, armed.sinceMs, nowMs)));
      if (this.armed !== armed) return;
      const failing = verdicts.find((v) => v.status === 'fail');
      if (verdicts.some((v) => v.status !== 'unknown')) this.evaluations++;
      else {
        this.blindTicks++;
        // Why it could not judge, so that the check says it (a scrape refused is not "too few samples").
        this.lastBlindReason = verdicts.map((v) => `${v.analysis}: ${v.message}`).join('; ');
      }
      if (failing) await this.trip(armed.service, failing);
    } finally {
      this.busy = false;
    }
  }

  private async evaluate(analysis: Analysis, service: string, armedAtMs: number, nowMs: number): Promise<AnalysisVerdict & { analysis: string }> {
    try {
      const verdict = await analysis.evaluate({ service, samples: this.options.samples, armedAtMs, nowMs });
      return { ...verdict, analysis: analysis.name };
    } catch (error) {
      return { status: 'unknown', message: `analysis failed: ${errorMessage(error)}`, analysis: analysis.name };
    }
  }

  private async trip(service: string, verdict: AnalysisVerdict & { analysis: string }): Promise<void> {
    this.armed = undefined;
    const event = this.options.timeline.emit('guard', { service, analysis: verdict.analysis, message: verdict.message, then: this.options.spec.then });
    const trip = { service, tMs: event.tMs, analysis: verdict.analysis, message: verdict.message };
    this.trips.push(trip);
    this.options.log.info(`guard tripped on ${service}: ${verdict.message}`);
    await this.options.onTrip(trip);
  }
}
