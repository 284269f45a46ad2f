import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { HarnessHealth, machineSaturated } from './harness-health.ts';
import { blockEventLoop } from './test-support.ts';

describe('machineSaturated', () => {
  const use = (fields: object) => ({ processMs: 0, machineBusy: 0.5, pressure: undefined, waiting: 0.1, waitPerWakeMs: 0.2, ...fields });
  it('says saturated when the harness waited for a CPU half the time, or 2 ms a wake-up', () => {
    expect(machineSaturated(use({}))).toBe(false);
    expect(machineSaturated(use({ waiting: 0.5 }))).toBe(true);
    expect(machineSaturated(use({ waitPerWakeMs: 2 }))).toBe(true);
  });
  it('without schedstat, goes by every core being busy', () => {
    expect(machineSaturated(use({ waiting: undefined, waitPerWakeMs: undefined, machineBusy: 0.9 }))).toBe(false);
    expect(machineSaturated(use({ waiting: undefined, waitPerWakeMs: undefined, machineBusy: 0.97 }))).toBe(true);
  });
});

describe('HarnessHealth', () => {
  it('gives each drill its stalls on its own timeline, and counts the drills at once', async () => {
    const health = new HarnessHealth();
    const first = health.session(performance.now());
    await sleep(30);
    const second = health.session(performance.now());
    await sleep(20);
    const fromFirst = performance.now() - first.originMs;
    blockEventLoop(150);
    await sleep(30);
    const toFirst = performance.now() - first.originMs;
    expect(first.stallBetween(fromFirst, toFirst)).toBeGreaterThan(100);
    // The same stall, on the second drill's clock (it began 30 ms later).
    expect(second.stallBetween(fromFirst - (second.originMs - first.originMs), toFirst - (second.originMs - first.originMs))).toBeCloseTo(first.stallBetween(fromFirst, toFirst), 0);
    expect(first.window(fromFirst, toFirst).eventLoopDelayMaxMs).toBeGreaterThan(100);
    expect([first.drillsAtOnce, second.drillsAtOnce, health.mostDrillsAtOnce]).toEqual([2, 2, 2]);
    second.close();
    first.close();
    first.close();
  });
});
