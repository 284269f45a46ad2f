import { afterEach, describe, expect, it } from 'vitest';
import { processRunning } from '../../drivers/local/test-support.ts';
import { dependencyOutageFault } from './dependency-outage.ts';
import { get, startFaultEnv, type FaultTestEnv } from './test-support.ts';

let t: FaultTestEnv | undefined;
afterEach(async () => expect(await t?.close()).toEqual([]));

describe('dependency-outage fault', () => {
  it('stops every replica (the address answers 503); the revert brings the same release back', async () => {
    t = await startFaultEnv({ replicas: 2 });
    const pids = t.surface.replicas('shop').map((r) => r.pid);
    const injected = await dependencyOutageFault.inject(t.service, {}, t.context('o1'));
    expect(injected.detail).toBe('shop stopped (2 replicas)');
    expect((await get(t.address)).status).toBe(503);
    expect(t.surface.replicas('shop')).toEqual([]);
    expect(await Promise.all(pids.map(processRunning))).toEqual([false, false]);
    await t.surface.stopService('shop'); // idempotent

    await Promise.all([injected.revert(), injected.revert()]);
    expect((await get(t.address)).status).toBe(200);
    const observed = (await t.env.observe()).shop!.replicas;
    expect(observed.map((r) => [r.digest, r.healthy, r.serving])).toEqual([[t.release.digest, true, true], [t.release.digest, true, true]]);
    expect(observed.some((r) => pids.includes(r.pid!))).toBe(false);
    await t.surface.startService('shop'); // idempotent: no new processes
    expect((await t.env.observe()).shop!.replicas.map((r) => r.pid)).toEqual(observed.map((r) => r.pid));
  });
});
