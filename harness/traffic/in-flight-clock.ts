/**
 * The send times of the requests in flight, answering "how old is the oldest?" in
 * O(1): requests start in time order, so the oldest is the first still in the
 * (insertion-ordered) map, whatever order they complete in.
 */
export class InFlightClock {
  private readonly sentMs = new Map<number, number>();
  private nextToken = 0;

  /** Records a request sent at `sentMs`; returns the token to `end` it with. */
  begin(sentMs: number): number {
    const token = this.nextToken++;
    this.sentMs.set(token, sentMs);
    return token;
  }

  end(token: number): void {
    this.sentMs.delete(token);
  }

  /** When the oldest request still in flight was sent, or undefined when none is. */
  oldestSentMs(): number | undefined {
    for (const sentMs of this.sentMs.values()) return sentMs;
    return undefined;
  }
}
