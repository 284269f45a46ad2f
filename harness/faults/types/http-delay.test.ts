import { afterEach, describe, expect, it } from 'vitest';
import { httpDelayFault } from './http-delay.ts';
import { get, startFaultEnv, type FaultTestEnv } from './test-support.ts';

let t: FaultTestEnv | undefined;
afterEach(async () => expect(await t?.close()).toEqual([]));

async function slowest(env: FaultTestEnv, n = 5): Promise<{ min: number; max: number }> {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const answer = await get(env.address);
    expect(answer.status).toBe(200);
    ms.push(answer.ms);
  }
  return { min: Math.min(...ms), max: Math.max(...ms) };
}

describe('http-delay fault', () => {
  it('holds every request delayMs at share 1, none at share 0, none after the revert', async () => {
    t = await startFaultEnv();
    const delayed = await httpDelayFault.inject(t.service, httpDelayFault.params.parse({ delayMs: 200 }), t.context('h1'));
    expect((await slowest(t)).min).toBeGreaterThanOrEqual(195);
    await delayed.revert();
    await delayed.revert();
    expect((await slowest(t)).max).toBeLessThan(150);

    const none = await httpDelayFault.inject(t.service, httpDelayFault.params.parse({ share: 0, delayMs: 200 }), t.context('h2'));
    expect((await slowest(t)).max).toBeLessThan(150);
    await none.revert();
  });

  it('bounds share and delay', () => {
    expect(httpDelayFault.params.parse({})).toEqual({ share: 1, delayMs: 500 });
    expect(httpDelayFault.params.safeParse({ delayMs: 3_600_000 }).success).toBe(false);
    expect(httpDelayFault.params.safeParse({ share: -0.1 }).success).toBe(false);
  });
});
