import { describe, expect, it } from 'vitest';
import { InFlightClock } from './in-flight-clock.ts';

describe('InFlightClock', () => {
  it('tracks the oldest request in flight whatever order they complete in', () => {
    const clock = new InFlightClock();
    expect(clock.oldestSentMs()).toBeUndefined();
    const [a, b, c] = [10, 20, 30].map((t) => clock.begin(t));
    clock.end(b!);
    expect(clock.oldestSentMs()).toBe(10);
    clock.end(a!);
    expect(clock.oldestSentMs()).toBe(30);
    clock.end(c!);
    expect(clock.oldestSentMs()).toBeUndefined();
  });
});
