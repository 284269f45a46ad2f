import { describe, expect, it } from 'vitest';
import { TeardownStack } from './teardown-stack.ts';

describe('TeardownStack', () => {
  it('runs cleanups newest first, each once', async () => {
    const order: string[] = [];
    const stack = new TeardownStack();
    stack.defer('a', () => void order.push('a'));
    const runB = stack.defer('b', () => void order.push('b'));
    stack.defer('c', () => void order.push('c'));
    await runB();
    expect(await stack.runAll()).toEqual([]);
    expect(await stack.runAll()).toEqual([]);
    expect(order).toEqual(['b', 'c', 'a']);
  });

  it('records a failing or hanging cleanup and still runs the others', async () => {
    const ran: string[] = [];
    const stack = new TeardownStack();
    stack.defer('first', () => void ran.push('first'));
    stack.defer('hangs', () => new Promise(() => {}), { deadlineMs: 50 });
    stack.defer('throws', () => {
      throw new Error('boom');
    });
    const failures = await stack.runAll();
    expect(failures).toEqual([
      { name: 'throws', error: 'boom' },
      { name: 'hangs', error: 'did not finish within 50ms' },
    ]);
    expect(ran).toEqual(['first']);
    expect(stack.pending).toBe(0);
  });

  it('runs a cleanup queued while it runs (a fault that landed during teardown), before the older ones', async () => {
    const order: string[] = [];
    const stack = new TeardownStack();
    stack.defer('environment down', () => void order.push('environment down'));
    stack.defer('revert f1', () => {
      order.push('revert f1');
      stack.defer('revert f2, which landed during teardown', () => void order.push('revert f2'));
    });
    expect(await stack.runAll()).toEqual([]);
    expect(order).toEqual(['revert f1', 'revert f2', 'environment down']);
    expect(stack.pending).toBe(0);
  });
});
