import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { LAG_NOISE_MS, LoopLagSampler } from './loop-lag-sampler.ts';
import { blockEventLoop } from './test-support.ts';

describe('LoopLagSampler', () => {
  it('counts each tick\'s lag beyond the noise, by its overlap with the window', () => {
    const sampler = new LoopLagSampler(10);
    sampler.record(0, 1); // on time: within the noise
    sampler.record(11, 111); // due at 11, ran 100 ms late: stalled over [13, 111]
    sampler.record(121, 122);
    expect(sampler.stallBetween(0, 200)).toBeCloseTo(100 - LAG_NOISE_MS);
    expect(sampler.stallBetween(50, 60)).toBeCloseTo(10); // inside the stall
    expect(sampler.stallBetween(100, 130)).toBeCloseTo(11); // its tail
    expect(sampler.stallBetween(0, 12)).toBe(0); // before the stall began
    expect(sampler.lagsBetween(0, 200)).toEqual([1, 100, 1]);
  });

  it('sees a busy loop in the test process as a stall at least as long as the block, less one period and the noise', async () => {
    const sampler = new LoopLagSampler(10);
    sampler.start();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const from = performance.now();
    blockEventLoop(200);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const to = performance.now();
    sampler.stop();
    expect(sampler.stallBetween(from, to)).toBeGreaterThanOrEqual(200 - 10 - LAG_NOISE_MS);
    expect(Math.max(...sampler.lagsBetween(from, to))).toBeGreaterThanOrEqual(200 - 10);
  });

  it('forgets whole chunks no window will ask about, and keeps answering for the rest', () => {
    const sampler = new LoopLagSampler(1);
    for (let i = 0; i < 10_000; i++) sampler.record(i * 10, i * 10 + (i === 9_000 ? 50 : 0));
    sampler.forgetBefore(8_500 * 10);
    expect(sampler.stallBetween(89_000, 91_000)).toBeCloseTo(50 - LAG_NOISE_MS);
    expect(sampler.lagsBetween(0, 100_000).length).toBeLessThan(10_000);
  });
});
