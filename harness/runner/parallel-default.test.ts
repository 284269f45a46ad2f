import { describe, expect, it } from 'vitest';
import { chooseParallel, describeParallel } from './parallel-default.ts';

describe('chooseParallel', () => {
  it('keeps --parallel as given, and says nothing more about it', () => {
    const choice = chooseParallel(8, 2, 5);
    expect(choice).toMatchObject({ parallel: 8, source: 'flag' });
    expect(describeParallel(choice, 10)).toBe('parallel 8');
  });

  it('fills 70% of idle cores at half a core a drill, and says what it chose', () => {
    expect(chooseParallel(undefined, 2, 0).parallel).toBe(2);
    expect(chooseParallel(undefined, 8, 0).parallel).toBe(11);
    expect(describeParallel(chooseParallel(undefined, 2, 0.1), 10)).toBe('parallel 2 (of 2 cores; --parallel to change)');
  });

  it('leaves the cores that others keep busy, and never goes below one', () => {
    expect(chooseParallel(undefined, 2, 1.5).parallel).toBe(1);
    expect(chooseParallel(undefined, 1, 0).parallel).toBe(1);
    expect(chooseParallel(undefined, 2, 12).parallel).toBe(1);
    expect(describeParallel(chooseParallel(undefined, 2, 1.5), 10)).toBe('parallel 1 (of 2 cores, load 1.5; --parallel to change)');
  });

  it('says when there are fewer attempts than it would run', () => {
    expect(describeParallel(chooseParallel(4, 2, 0), 1)).toBe('parallel 4, 1 for 1 attempt');
  });
});
