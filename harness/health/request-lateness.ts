import type { Sample } from '../traffic/sample.ts';
import { LAG_NOISE_MS } from './loop-lag-sampler.ts';

/** What the lateness of one request is computed from, on the drill's timeline (DrillHealth). */
export interface LatenessSource {
  /** Time the harness's event loop could not run. */
  stallBetween(fromMs: number, toMs: number): number;
  /** Whether the machine's CPUs were saturated (the service's processes waited for one too). */
  machineSaturatedBetween(fromMs: number, toMs: number): boolean;
}

/**
 * How much of one request's latency the harness itself could have caused: how late it
 * was sent (the engine knows: `sentMs - intendedMs`), plus the time its event loop
 * stalled while the request was in flight (a response that arrives during a stall is
 * read when it ends; the local driver's front proxy runs on the same loop). Never more
 * than the latency itself.
 */
export function harnessLatenessMs(sample: Sample, stalls: LatenessSource): number {
  const sendLag = Math.max(0, sample.sentMs - sample.intendedMs);
  return Math.min(sample.latencyMs, sendLag + stalls.stallBetween(sample.sentMs, sample.doneMs));
}

/**
 * Whether a failed request could be the harness's own: one that timed out while its
 * event loop was stalled. After a stall, the next loop turn runs timers before it reads
 * sockets, so an answer that came during a stall which outlasted the deadline is never
 * read — the timeout fires first. The timeout's own lateness (`done - sent - timeout`)
 * says how long the loop was stalled at the deadline; under `timeoutStallMs` it is what
 * any timer shows on a busy but healthy machine, and could only have hidden an answer
 * that came in the last twentieth of the timeout: that slowness is the service's. A
 * response the service sent (any status), a refused or reset connection, or a timeout
 * that fired on time, is the service's.
 */
export function harnessCouldExplainFailure(sample: Sample, timeoutMs: number): boolean {
  if (sample.ok || sample.status !== 0 || !sample.error?.startsWith('timeout')) return false;
  return sample.doneMs - sample.sentMs - timeoutMs >= timeoutStallMs(timeoutMs);
}

/** How late a timeout must fire to say the harness's stall, not the service, may have caused it. */
export function timeoutStallMs(timeoutMs: number): number {
  return Math.max(5 * LAG_NOISE_MS, timeoutMs / 20);
}
