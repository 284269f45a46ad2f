import { performance } from 'node:perf_hooks';

/** Ticks per chunk; chunks are dropped whole once no window can ask for them. */
const CHUNK = 4096;
/**
 * Lag an idle loop shows anyway (timers have 1 ms granularity; p99 3 ms on this shared
 * machine): only a tick's lag beyond it counts as a stall, so an idle harness stalls ~0.
 */
export const LAG_NOISE_MS = 2;

interface Chunk {
  /** When each tick was due and when it ran (performance.now() ms). */
  due: Float64Array;
  fired: Float64Array;
  /** Running sum of stalls (lag beyond LAG_NOISE_MS) up to and including each tick, from the first tick ever recorded. */
  lagSum: Float64Array;
}

/**
 * How late the harness's event loop ran a timer, sampled every `periodMs`: a tick due at
 * t that runs at t + lag means the loop could not run anything for `lag` ms (it was busy,
 * or the process was waiting for a CPU). Node's monitorEventLoopDelay loses the first delay
 * after each reset, which is the stall a windowed reading most needs, so this keeps every
 * tick instead (16 bytes each, 100 a second at the default period) and answers windows.
 */
export class LoopLagSampler {
  private readonly chunks: Chunk[] = [];
  /** Index of the first tick of chunks[0] among all ticks ever recorded. */
  private firstIndex = 0;
  private count = 0;
  private total = 0;
  private timer: NodeJS.Timeout | undefined;
  private dueMs = 0;

  constructor(private readonly periodMs = 10) {}

  start(): void {
    if (this.timer) return;
    this.dueMs = performance.now() + this.periodMs;
    this.timer = setTimeout(this.tick, this.periodMs);
    this.timer.unref();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Records one tick (the timer does; tests and replays may too). */
  record(dueMs: number, firedMs: number): void {
    const local = this.count - this.firstIndex;
    if (local % CHUNK === 0 && local / CHUNK >= this.chunks.length) this.chunks.push(newChunk());
    const chunk = this.chunks[Math.floor(local / CHUNK)]!;
    const j = local % CHUNK;
    this.total += Math.max(0, firedMs - dueMs - LAG_NOISE_MS);
    chunk.due[j] = dueMs;
    chunk.fired[j] = firedMs;
    chunk.lagSum[j] = this.total;
    this.count++;
  }

  /** Forgets ticks that ran before `ms` (whole chunks only): no window will start before it. */
  forgetBefore(ms: number): void {
    while (this.chunks.length > 1 && this.chunks[0]!.fired[CHUNK - 1]! < ms) {
      this.chunks.shift();
      this.firstIndex += CHUNK;
    }
  }

  /**
   * Milliseconds in [fromMs, toMs] during which a due tick had not run yet (past the noise
   * of LAG_NOISE_MS): the time the loop was unavailable, as far as a tick every `periodMs`
   * can see it. Each tick's [due + noise, fired] span counts by its overlap with the window.
   */
  stallBetween(fromMs: number, toMs: number): number {
    if (toMs <= fromMs || this.count === this.firstIndex) return 0;
    // Ticks are in order and their spans do not overlap: the ones wholly inside come from the running sum.
    const first = this.firstFiredAtOrAfter(fromMs);
    const last = this.firstFiredAtOrAfter(toMs) - 1;
    if (first > last) return this.overlapOf(first, fromMs, toMs);
    let stall = this.sumThrough(last) - this.sumThrough(first);
    stall += this.overlapOf(first, fromMs, toMs);
    // The tick that fires after the window may have been due inside it.
    stall += this.overlapOf(last + 1, fromMs, toMs);
    return stall;
  }

  /** Lags of the ticks that ran in [fromMs, toMs), in order. */
  lagsBetween(fromMs: number, toMs: number): number[] {
    const lags: number[] = [];
    const end = this.firstFiredAtOrAfter(toMs);
    for (let i = this.firstFiredAtOrAfter(fromMs); i < end; i++) lags.push(this.lagAt(i));
    return lags;
  }

  private readonly tick = (): void => {
    const now = performance.now();
    this.record(this.dueMs, now);
    this.dueMs = now + this.periodMs;
    this.timer = setTimeout(this.tick, this.periodMs);
    this.timer.unref();
  };

  /** The local index of the first kept tick that fired at or after `ms` (the count when none did). */
  private firstFiredAtOrAfter(ms: number): number {
    let lo = 0;
    let hi = this.count - this.firstIndex;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.field('fired', mid) < ms) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Sum of lags of kept ticks up to and including local index i. */
  private sumThrough(i: number): number {
    return this.field('lagSum', i);
  }

  private lagAt(i: number): number {
    return Math.max(0, this.field('fired', i) - this.field('due', i));
  }

  private overlapOf(i: number, fromMs: number, toMs: number): number {
    if (i < 0 || i >= this.count - this.firstIndex) return 0;
    const from = Math.max(fromMs, this.field('due', i) + LAG_NOISE_MS);
    const to = Math.min(toMs, this.field('fired', i));
    return Math.max(0, to - from);
  }

  private field(name: keyof Chunk, i: number): number {
    return this.chunks[Math.floor(i / CHUNK)]![name][i % CHUNK]!;
  }
}

function newChunk(): Chunk {
  return { due: new Float64Array(CHUNK), fired: new Float64Array(CHUNK), lagSum: new Float64Array(CHUNK) };
}
