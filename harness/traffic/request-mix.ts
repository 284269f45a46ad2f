import type { SeededRandom } from '../util/seeded-random.ts';

/** A read is ready to send as is (it is an `HttpRequest`); a write gets its id when sent. */
export type PlannedRequest = { kind: 'read'; method: 'GET'; path: string } | { kind: 'write' };

/**
 * Decides what each arrival is: a write with probability `writeShare` (when writes
 * are configured), else the next read path in turn. It draws once per arrival,
 * dropped or not, so arrival i is the same request for the same seed whatever the
 * timing did.
 */
export class RequestMix {
  // Planned requests are shared, frozen objects: thousands of arrivals a second allocate none.
  private readonly readRequests: readonly PlannedRequest[];
  private readIndex = 0;

  constructor(
    reads: readonly string[],
    private readonly writeShare: number,
    private readonly random: SeededRandom,
  ) {
    if (reads.length === 0) throw new RangeError('a request mix needs at least one read path');
    this.readRequests = reads.map((path) => Object.freeze({ kind: 'read', method: 'GET', path }));
  }

  next(): PlannedRequest {
    if (this.writeShare > 0 && this.random.next() < this.writeShare) return WRITE;
    const request = this.readRequests[this.readIndex]!;
    this.readIndex = (this.readIndex + 1) % this.readRequests.length;
    return request;
  }
}

const WRITE: PlannedRequest = Object.freeze({ kind: 'write' });
