import type { TrafficSpec } from '../scenario/schema.ts';
import { parseDuration } from '../util/duration.ts';
import type { SeededRandom } from '../util/seeded-random.ts';
import { ArrivalSchedule } from './arrival-schedule.ts';
import { HttpClient, type HttpResult } from './http-client.ts';
import { DropCounter } from './drop-counter.ts';
import { InFlightClock } from './in-flight-clock.ts';
import { RequestMix, type PlannedRequest } from './request-mix.ts';
import type { Sample } from './sample.ts';
import { resolveWriteSpec, WriteTracker } from './write-tracker.ts';

export interface TrafficEngineOptions {
  /** The target's stable address; request paths are appended to its path. */
  baseUrl: URL;
  spec: TrafficSpec;
  /** The scenario timeline's monotonic now(), in ms; every sample time is on it. */
  clock: () => number;
  /** Decides reads vs writes; the same seed replays the same sequence. */
  random: SeededRandom;
  /** Write ids are `${idPrefix}-${n}`; unique per run so read-back can tell our data from others'. */
  idPrefix: string;
  /** Called once per completed (or timed-out, or stopped) request, in completion order. */
  onSample: (sample: Sample) => void;
}

export interface TrafficCounters {
  /** Requests sent. */
  sent: number;
  /** Arrivals not sent because `maxInFlight` requests were in flight (k6's dropped_iterations). */
  dropped: number;
  inFlight: number;
  /** Requests completed; `sent - completed === inFlight`. */
  completed: number;
}

// Bound the work of one tick so a large backlog (after a blocked event loop) still lets I/O run.
const MAX_ARRIVALS_PER_TICK = 1000;
const MAX_CONNECTIONS = 128;
const STOP_GRACE_MS = 100;
const ABORT_GRACE_MS = 1000;

/**
 * The built-in open-model load generator, as k6's constant-arrival-rate executor:
 * arrival i is intended at `t0 + i * 1000 / rate` whatever the responses do, and
 * latency is `done - intended`, so a stalled service shows in every request queued
 * behind the stall (no coordinated omission). When `maxInFlight` requests are in
 * flight, an arrival is dropped: counted in `counters.dropped`, not sent and not
 * emitted as a sample — checks should read a non-zero dropped count as saturation.
 *
 * It only emits samples; SLIs, guards and reports are computed elsewhere.
 */
export class TrafficEngine {
  /** Every write of the run, for the read-back; undefined when the spec has no writes. */
  readonly writes: WriteTracker | undefined;
  /** Dropped arrivals by when they were intended, for checks that ask about a window. */
  readonly drops = new DropCounter();
  private readonly mix: RequestMix;
  private readonly timeoutMs: number;
  private readonly maxInFlight: number;
  private client: HttpClient | undefined;
  private schedule: ArrivalSchedule | undefined;
  private rate: number;
  private state: 'idle' | 'running' | 'stopped' = 'idle';
  private stopping: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private onIdle: (() => void) | undefined;
  private sampleError: unknown;
  private readonly stats: TrafficCounters = { sent: 0, dropped: 0, inFlight: 0, completed: 0 };
  private readonly inFlightClock = new InFlightClock();

  constructor(private readonly options: TrafficEngineOptions) {
    const { spec } = options;
    this.writes = spec.writes === undefined ? undefined : new WriteTracker(resolveWriteSpec(spec.writes), options.idPrefix);
    this.mix = new RequestMix(spec.reads, this.writes ? spec.writeShare : 0, options.random);
    this.timeoutMs = parseDuration(spec.timeout);
    this.maxInFlight = spec.maxInFlight;
    this.rate = spec.rate;
  }

  get counters(): TrafficCounters {
    return { ...this.stats };
  }

  /** When the oldest request still in flight was sent (timeline ms), or undefined when none is. */
  oldestInFlightSentMs(): number | undefined {
    return this.inFlightClock.oldestSentMs();
  }

  /** Starts arrivals now (the first one is intended at the current clock). */
  start(): void {
    if (this.state === 'running') return;
    if (this.state === 'stopped') throw new Error('a stopped traffic engine cannot be restarted; create a new one');
    this.client = new HttpClient(this.options.baseUrl, { connections: Math.min(this.maxInFlight, MAX_CONNECTIONS), timeoutMs: this.timeoutMs });
    this.state = 'running';
    this.schedule = new ArrivalSchedule(this.rate, this.options.clock());
    this.tick();
  }

  /** Changes the arrival rate from now on; 0 pauses arrivals. */
  setRate(rate: number): void {
    if (!Number.isFinite(rate) || rate < 0) throw new RangeError(`rate must be a finite number >= 0, got ${rate}`);
    this.schedule?.setRate(rate, this.options.clock());
    this.rate = rate;
    if (this.state !== 'running') return;
    this.cancelTick();
    this.scheduleTick();
  }

  /**
   * Stops arrivals, waits for in-flight requests up to the request timeout, then aborts
   * the rest (they are emitted as failed samples) and closes the connections. Idempotent.
   * Rejects, after cleaning up, if `onSample` threw.
   */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.state = 'stopped';
    this.cancelTick();
    if (this.client) {
      await this.waitIdle(this.timeoutMs + STOP_GRACE_MS);
      this.client.abortAll('aborted: traffic stopped');
      await this.waitIdle(ABORT_GRACE_MS);
      await this.client.close();
    }
    if (this.sampleError !== undefined) throw new Error('traffic onSample callback threw', { cause: this.sampleError });
  }

  private readonly tick = (): void => {
    this.timer = undefined;
    this.immediate = undefined;
    if (this.state !== 'running' || !this.schedule) return;
    const now = this.options.clock();
    for (let fired = 0; fired < MAX_ARRIVALS_PER_TICK; fired++) {
      const intendedMs = this.schedule.takeDue(now);
      if (intendedMs === undefined) break;
      this.arrive(intendedMs);
    }
    this.scheduleTick();
  };

  private scheduleTick(): void {
    const due = this.schedule?.nextDueMs();
    if (due === undefined) return; // rate 0: setRate() wakes the loop
    const delayMs = due - this.options.clock();
    // Behind: yield to I/O once, then catch up. Ahead: sleep (Node rounds up to 1ms), never spin.
    if (delayMs <= 0) this.immediate = setImmediate(this.tick);
    else this.timer = setTimeout(this.tick, delayMs);
  }

  private cancelTick(): void {
    clearTimeout(this.timer);
    clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }

  private arrive(intendedMs: number): void {
    const planned = this.mix.next(); // drawn even when dropped, so arrival i is the same request for a seed
    if (this.stats.inFlight >= this.maxInFlight) {
      this.stats.dropped++;
      this.drops.add(intendedMs);
      return;
    }
    void this.send(planned, intendedMs);
  }

  private async send(planned: PlannedRequest, intendedMs: number): Promise<void> {
    this.stats.sent++;
    this.stats.inFlight++;
    const sentMs = this.options.clock();
    const token = this.inFlightClock.begin(sentMs);
    const write = planned.kind === 'write' ? this.writes!.invoke(sentMs) : undefined;
    const result = await this.client!.send(planned.kind === 'read' ? planned : write!);
    const doneMs = this.options.clock();
    this.inFlightClock.end(token);
    this.stats.inFlight--;
    this.stats.completed++;
    const ok = write ? this.writes!.complete(write.id, result.status, doneMs, result.error) === 'ok' : readSucceeded(result);
    this.emit(toSample(planned.kind, intendedMs, sentMs, doneMs, result, ok, write?.id));
    if (this.stats.inFlight === 0) this.onIdle?.();
  }

  private emit(sample: Sample): void {
    try {
      this.options.onSample(sample);
    } catch (error) {
      this.sampleError ??= error;
    }
  }

  /** Resolves when nothing is in flight, or after `ms`. */
  private async waitIdle(ms: number): Promise<void> {
    if (this.stats.inFlight === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.onIdle = resolve;
      timer = setTimeout(resolve, ms);
    });
    clearTimeout(timer);
    this.onIdle = undefined;
  }
}

function readSucceeded(result: HttpResult): boolean {
  return result.error === undefined && result.status >= 200 && result.status < 400;
}

function toSample(kind: Sample['kind'], intendedMs: number, sentMs: number, doneMs: number, result: HttpResult, ok: boolean, writeId: string | undefined): Sample {
  const sample: Sample = { kind, intendedMs, sentMs, doneMs, latencyMs: doneMs - intendedMs, status: result.status, ok };
  if (result.release !== undefined) sample.release = result.release;
  if (writeId !== undefined) sample.writeId = writeId;
  if (result.error !== undefined) sample.error = result.error;
  return sample;
}
