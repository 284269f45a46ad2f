import { afterEach, describe, expect, it } from 'vitest';
import { httpAbortFault } from './http-abort.ts';
import { get, startFaultEnv, type FaultTestEnv } from './test-support.ts';

let t: FaultTestEnv | undefined;
afterEach(async () => expect(await t?.close()).toEqual([]));

async function statuses(env: FaultTestEnv, n = 20): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await get(env.address)).status);
  return out;
}

describe('http-abort fault', () => {
  it('answers every request with the status at share 1 (marked x-drillbit-fault), none at share 0, none after the revert', async () => {
    t = await startFaultEnv();
    const all = await httpAbortFault.inject(t.service, httpAbortFault.params.parse({ status: 429 }), t.context('a1'));
    const aborted = await get(t.address);
    expect(aborted.status).toBe(429);
    expect(aborted.headers.get('x-drillbit-fault')).toBe('a1');
    expect(await statuses(t)).toEqual(Array(20).fill(429));
    await all.revert();
    await all.revert();
    expect(await statuses(t)).toEqual(Array(20).fill(200));

    const none = await httpAbortFault.inject(t.service, httpAbortFault.params.parse({ share: 0 }), t.context('a2'));
    expect(await statuses(t)).toEqual(Array(20).fill(200));
    await none.revert();
  });

  it('aborts about its share of requests, the same ones for the same seed', async () => {
    t = await startFaultEnv();
    const run = async (id: string) => {
      const injected = await httpAbortFault.inject(t!.service, httpAbortFault.params.parse({ share: 0.5 }), t!.context(id));
      const seen = await statuses(t!, 40);
      await injected.revert();
      return seen;
    };
    const first = await run('half');
    expect(first.filter((s) => s === 503).length).toBeGreaterThan(8);
    expect(first.filter((s) => s === 200).length).toBeGreaterThan(8);
    expect(await run('half')).toEqual(first);
  });

  it('bounds share and status', () => {
    expect(httpAbortFault.params.parse({})).toEqual({ share: 1, status: 503 });
    expect(httpAbortFault.params.safeParse({ share: 1.5 }).success).toBe(false);
    expect(httpAbortFault.params.safeParse({ status: 200 }).success).toBe(false);
  });
});
