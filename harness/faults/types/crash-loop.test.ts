import { afterEach, describe, expect, it } from 'vitest';
import { sleep } from '../../util/sleep.ts';
import { crashLoopFault } from './crash-loop.ts';
import { get, startFaultEnv, type FaultTestEnv } from './test-support.ts';

let t: FaultTestEnv | undefined;
afterEach(async () => expect(await t?.close()).toEqual([]));

describe('crash-loop fault', () => {
  it('kills the replica again after every replacement; the revert stops the loop and leaves a healthy replica', async () => {
    t = await startFaultEnv();
    const target = t.replica(0);
    const kills = () => t!.driverCtx.timeline.events.filter((e) => e.type === 'replica-exit' && e.replica === target.replicaId && e.signal === 'SIGKILL');
    const injected = await crashLoopFault.inject(target, crashLoopFault.params.parse({ intervalMs: 200 }), t.context('c1'));
    await expect.poll(() => kills().length, { timeout: 3000 }).toBeGreaterThanOrEqual(3);
    expect(new Set(kills().map((e) => e.pid)).size).toBe(kills().length); // a new process each time

    await injected.revert();
    const after = kills().length;
    const [replica] = t.surface.replicas('shop');
    expect(replica).toMatchObject({ id: target.replicaId, alive: true, serving: true });
    expect((await t.env.observe()).shop!.replicas).toEqual([expect.objectContaining({ digest: t.release.digest, healthy: true })]);
    await sleep(500);
    expect(kills()).toHaveLength(after);
    expect(t.surface.replicas('shop')[0]!.pid).toBe(replica!.pid);
    expect((await get(t.address)).body).toBe(`v1 ${replica!.pid}`);
    await injected.revert();
  });

  it('rejects absurd intervals', () => {
    expect(crashLoopFault.params.safeParse({ intervalMs: 1 }).success).toBe(false);
    expect(crashLoopFault.params.safeParse({ every: 500 }).success).toBe(false);
    expect(crashLoopFault.params.parse({})).toEqual({ intervalMs: 500, waitMs: 3000 });
  });
});
