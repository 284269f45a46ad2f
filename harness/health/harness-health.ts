import { performance } from 'node:perf_hooks';
import { cpuBetween, readCpu, type CpuReading, type CpuUse } from './cpu-meter.ts';
import { LoopLagSampler } from './loop-lag-sampler.ts';

export interface HarnessHealthOptions {
  /** How often the loop-lag tick is due (10 ms). */
  lagPeriodMs?: number;
  /** How often CPU counters are read (250 ms). */
  cpuPeriodMs?: number;
}

/**
 * The machine's CPUs are saturated when a process on it — the harness's main thread, as
 * schedstat tells — waited for a CPU half of the time, or waited 2 ms on average each time
 * it became runnable: then the service's own processes were starved too, by an amount no
 * per-request number of the harness shows. Measured here, per 250 ms: with the example
 * drills one at a time, waiting 0.11 of the time (p90 0.36) and 0.15 ms a wake-up (p90 0.6);
 * at --parallel 8, 0.55 (p90 0.70) and 0.46 ms (p90 1.4); next to CPU hogs, several ms a
 * wake-up. Without schedstat: every core busy.
 */
export const MACHINE_SATURATED_WAITING = 0.5;
export const MACHINE_SATURATED_WAIT_PER_WAKE_MS = 2;
export const MACHINE_SATURATED_BUSY = 0.95;

export function machineSaturated(use: CpuUse): boolean {
  if (use.waiting === undefined || use.waitPerWakeMs === undefined) return use.machineBusy >= MACHINE_SATURATED_BUSY;
  return use.waiting >= MACHINE_SATURATED_WAITING || use.waitPerWakeMs >= MACHINE_SATURATED_WAIT_PER_WAKE_MS;
}

/** The harness's health over a window of one drill's timeline. */
export interface HealthWindow {
  /** Loop-lag ticks that ran in the window, their p99 and max lag (ms); 0 when none ran. */
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  /** Time in the window the event loop could not run a due tick, ms. */
  stallMs: number;
  cpu: CpuUse | undefined;
}

/**
 * The harness watching itself while it measures (issue 13 §3): how late its event loop
 * runs (loop-lag-sampler.ts) and how busy this process and the machine are (cpu-meter.ts).
 * One per process — every drill of a run shares the event loop it measures — sampling
 * only while some drill holds a session, and forgetting what no running drill can ask about.
 */
export class HarnessHealth {
  readonly lagPeriodMs: number;
  private readonly lag: LoopLagSampler;
  private readonly cpuPeriodMs: number;
  private readonly readings: CpuReading[] = [];
  private cpuTimer: NodeJS.Timeout | undefined;
  private readonly sessions = new Set<DrillHealth>();
  private mostAtOnce = 0;

  constructor(options: HarnessHealthOptions = {}) {
    this.lagPeriodMs = options.lagPeriodMs ?? 10;
    this.cpuPeriodMs = options.cpuPeriodMs ?? 250;
    this.lag = new LoopLagSampler(this.lagPeriodMs);
  }

  /** A drill's view, on its timeline (`originMs` is the timeline's zero, performance.now() ms). Sampling runs while any is open. */
  session(originMs: number): DrillHealth {
    const session = new DrillHealth(this, originMs);
    if (this.sessions.size === 0) this.startSampling();
    this.sessions.add(session);
    for (const open of this.sessions) open.noteAtOnce(this.sessions.size);
    this.mostAtOnce = Math.max(this.mostAtOnce, this.sessions.size);
    return session;
  }

  /** Drills that were running at once, at most, since this monitor was made. */
  get mostDrillsAtOnce(): number {
    return this.mostAtOnce;
  }

  /** @internal DrillHealth.close(). */
  release(session: DrillHealth): void {
    if (!this.sessions.delete(session)) return;
    if (this.sessions.size === 0) return this.stopSampling();
    const oldest = Math.min(...[...this.sessions].map((s) => s.originMs));
    this.lag.forgetBefore(oldest);
    while (this.readings.length > 2 && this.readings[1]!.atMs < oldest) this.readings.shift();
  }

  /** @internal */
  stallBetween(fromMs: number, toMs: number): number {
    return this.lag.stallBetween(fromMs, toMs);
  }

  /** @internal Whether the machine's CPUs were saturated over [fromMs, toMs] (absolute), from the readings around it. */
  machineSaturatedBetween(fromMs: number, toMs: number): boolean {
    const readings = this.readings;
    if (readings.length < 2) return false;
    // The last reading at or before fromMs, and the first at or after toMs (or the newest).
    let lo = 0;
    let hi = readings.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (readings[mid]!.atMs <= fromMs) lo = mid;
      else hi = mid - 1;
    }
    let end = lo + 1;
    while (end < readings.length - 1 && readings[end]!.atMs < toMs) end++;
    if (end >= readings.length) return false;
    return machineSaturated(cpuBetween(readings[lo]!, readings[end]!));
  }

  /** @internal Absolute times (performance.now() ms). */
  window(fromMs: number, toMs: number): HealthWindow {
    const lags = this.lag.lagsBetween(fromMs, toMs).sort((a, b) => a - b);
    const p99 = lags.length ? lags[Math.min(lags.length - 1, Math.ceil(0.99 * lags.length) - 1)]! : 0;
    return { eventLoopDelayP99Ms: p99, eventLoopDelayMaxMs: lags.at(-1) ?? 0, stallMs: this.lag.stallBetween(fromMs, toMs), cpu: this.cpuBetween(fromMs, toMs) };
  }

  private cpuBetween(fromMs: number, toMs: number): CpuUse | undefined {
    if (toMs >= performance.now() - this.cpuPeriodMs) this.readings.push(readCpu());
    const before = [...this.readings].reverse().find((r) => r.atMs <= fromMs) ?? this.readings[0];
    const after = this.readings.find((r) => r.atMs >= toMs) ?? this.readings.at(-1);
    if (!before || !after || after.atMs <= before.atMs) return undefined;
    return cpuBetween(before, after);
  }

  private startSampling(): void {
    this.lag.start();
    this.readings.push(readCpu());
    this.cpuTimer = setInterval(() => this.readings.push(readCpu()), this.cpuPeriodMs);
    this.cpuTimer.unref();
  }

  private stopSampling(): void {
    this.lag.stop();
    clearInterval(this.cpuTimer);
    this.cpuTimer = undefined;
  }
}

/** One drill's view of the harness's health, in the drill's timeline ms. */
export class DrillHealth {
  private atOnce = 1;
  private closed = false;

  constructor(
    private readonly monitor: HarnessHealth,
    readonly originMs: number,
  ) {}

  /** Time in [fromMs, toMs] of this drill's timeline during which the harness's event loop could not run. */
  stallBetween(fromMs: number, toMs: number): number {
    return this.monitor.stallBetween(this.originMs + fromMs, this.originMs + toMs);
  }

  /** Whether the machine's CPUs were saturated (MACHINE_SATURATED_*) over [fromMs, toMs] of this drill's timeline. */
  machineSaturatedBetween(fromMs: number, toMs: number): boolean {
    return this.monitor.machineSaturatedBetween(this.originMs + fromMs, this.originMs + toMs);
  }

  window(fromMs: number, toMs: number): HealthWindow {
    return this.monitor.window(this.originMs + fromMs, this.originMs + Math.min(toMs, performance.now() - this.originMs));
  }

  /** Most drills (this one included) that ran at once while this one did. */
  get drillsAtOnce(): number {
    return this.atOnce;
  }

  get lagPeriodMs(): number {
    return this.monitor.lagPeriodMs;
  }

  /** @internal */
  noteAtOnce(n: number): void {
    if (!this.closed) this.atOnce = Math.max(this.atOnce, n);
  }

  /** Ends the session (idempotent); the monitor stops sampling when none is open. */
  close(): void {
    this.closed = true;
    this.monitor.release(this);
  }
}
