/** Buckets of this many ms: a window's drop count is exact to a bucket. */
const BUCKET_MS = 100;

/**
 * Arrivals the engine did not send (maxInFlight reached), counted by when they were
 * intended, so a check can ask how many fell in its window. A bucket per 100 ms that had
 * a drop: a saturated hour is 36,000 small numbers at most.
 */
export class DropCounter {
  private readonly buckets = new Map<number, number>();
  private count = 0;

  add(intendedMs: number): void {
    const bucket = Math.floor(intendedMs / BUCKET_MS);
    this.buckets.set(bucket, (this.buckets.get(bucket) ?? 0) + 1);
    this.count++;
  }

  get total(): number {
    return this.count;
  }

  /** Drops intended in [fromMs, toMs), by whole buckets: every bucket the window touches counts (never fewer than happened). */
  between(fromMs: number, toMs: number): number {
    if (fromMs === -Infinity && toMs === Infinity) return this.count;
    let n = 0;
    for (const [bucket, count] of this.buckets) {
      const startMs = bucket * BUCKET_MS;
      if (startMs + BUCKET_MS > fromMs && startMs < toMs) n += count;
    }
    return n;
  }
}
