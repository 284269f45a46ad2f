/**
 * When each arrival of an open model is intended, as k6's constant-arrival-rate:
 * arrival i is due at `anchorMs + (i - anchorIndex) * 1000 / rate`, whatever
 * happened to earlier requests. Computed from the anchor, not accumulated, so
 * float error does not drift; a rate change re-anchors at the next due arrival.
 */
export class ArrivalSchedule {
  private anchorMs: number;
  private anchorIndex = 0;
  private intervalMs: number;
  /** Index of the next arrival not yet taken. */
  private index = 0;

  constructor(rate: number, startMs: number) {
    this.intervalMs = intervalOf(rate);
    this.anchorMs = startMs;
  }

  /** Arrivals taken so far. */
  get taken(): number {
    return this.index;
  }

  /** When the next arrival is due, or undefined at rate 0. */
  nextDueMs(): number | undefined {
    if (this.intervalMs === Infinity) return undefined;
    return this.anchorMs + (this.index - this.anchorIndex) * this.intervalMs;
  }

  /** The intended time of the next arrival if it is due at `nowMs`, and takes it. */
  takeDue(nowMs: number): number | undefined {
    const due = this.nextDueMs();
    if (due === undefined || due > nowMs) return undefined;
    this.index++;
    return due;
  }

  /**
   * Changes the rate from `nowMs`. An overdue next arrival keeps its intended time (a
   * backlog is still measured from when it was meant to go); the new spacing starts there.
   */
  setRate(rate: number, nowMs: number): void {
    const due = this.nextDueMs();
    this.anchorMs = due === undefined ? nowMs : Math.min(due, nowMs);
    this.anchorIndex = this.index;
    this.intervalMs = intervalOf(rate);
  }
}

function intervalOf(rate: number): number {
  if (!Number.isFinite(rate) || rate < 0) throw new RangeError(`rate must be a finite number >= 0, got ${rate}`);
  return rate === 0 ? Infinity : 1000 / rate;
}
