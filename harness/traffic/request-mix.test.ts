import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../util/seeded-random.ts';
import { RequestMix } from './request-mix.ts';

function sequence(seed: number, count: number, writeShare = 0.3): string[] {
  const mix = new RequestMix(['/a', '/b', '/c'], writeShare, new SeededRandom(seed));
  return Array.from({ length: count }, () => {
    const planned = mix.next();
    return planned.kind === 'read' ? planned.path : 'write';
  });
}

describe('RequestMix', () => {
  it('replays the same read/write sequence for the same seed', () => {
    expect(sequence(42, 500)).toEqual(sequence(42, 500));
    expect(sequence(42, 500)).not.toEqual(sequence(43, 500));
  });

  it('writes about writeShare of the time and reads the paths in turn', () => {
    const planned = sequence(7, 10_000);
    const writes = planned.filter((p) => p === 'write').length;
    expect(writes / planned.length).toBeGreaterThan(0.27);
    expect(writes / planned.length).toBeLessThan(0.33);
    expect(planned.filter((p) => p !== 'write').slice(0, 5)).toEqual(['/a', '/b', '/c', '/a', '/b']);
  });

  it('never writes at writeShare 0 and always writes at 1', () => {
    expect(sequence(1, 100, 0).includes('write')).toBe(false);
    expect(sequence(1, 100, 1).every((p) => p === 'write')).toBe(true);
  });
});
