import { afterEach, describe, expect, it } from 'vitest';
import { DrillbitError } from '../../errors.ts';
import { processRunning } from '../../drivers/local/test-support.ts';
import { memoryLimitFault } from './memory-limit.ts';
import { partitionFault } from './partition.ts';
import { stopFault } from './stop.ts';
import { get, startFaultEnv, type FaultTestEnv } from './test-support.ts';

let t: FaultTestEnv | undefined;
afterEach(async () => expect(await t?.close()).toEqual([]));

describe('stop fault (local driver)', () => {
  it('SIGTERMs the replica and leaves its slot empty (503 with one replica) until the revert starts a replacement', async () => {
    t = await startFaultEnv();
    const target = t.replica(0);
    const injected = await stopFault.inject(target, stopFault.params.parse({ graceMs: 1000 }), t.context('s1'));
    expect(injected.detail).toMatch(/^pid \d+ stopped \(SIGTERM\); its slot stays empty until the revert$/);
    expect(await processRunning(target.pid)).toBe(false);
    expect(t.surface.replicas('shop').filter((r) => r.alive)).toEqual([]);
    expect((await get(t.address)).status).toBe(503);

    await Promise.all([injected.revert(), injected.revert()]);
    const next = t.surface.replicas('shop')[0]!;
    expect(next).toMatchObject({ id: target.replicaId, alive: true, serving: true });
    expect(next.pid).not.toBe(target.pid);
    expect((await get(t.address)).body).toBe(`v1 ${next.pid}`);
  });

  it('with two replicas, the other one serves while it lasts', async () => {
    t = await startFaultEnv({ replicas: 2 });
    const injected = await stopFault.inject(t.replica(0), stopFault.params.parse({ graceMs: 500 }), t.context('s2'));
    expect(t.surface.replicas('shop').filter((r) => r.serving)).toHaveLength(1);
    expect((await get(t.address)).status).toBe(200);
    await injected.revert();
    expect(t.surface.replicas('shop').filter((r) => r.serving)).toHaveLength(2);
  });

  it('SIGKILLs a replica that ignores SIGTERM after graceMs', async () => {
    t = await startFaultEnv({ bundle: { mode: 'stubborn' }, stopGraceMs: 200 });
    const injected = await stopFault.inject(t.replica(0), stopFault.params.parse({ graceMs: 200 }), t.context('s3'));
    expect(injected.detail).toMatch(/SIGKILL after 200ms/);
    await injected.revert();
    expect((await get(t.address)).status).toBe(200);
  });
});

describe('container-only faults on the local driver', () => {
  it('partition mode disconnect and memory-limit are refused at plan time with what to do instead; nothing is touched', async () => {
    t = await startFaultEnv();
    const ctx = t.context('refused');
    const link = { kind: 'link', from: 'client', to: 'shop' } as const;
    expect(() => partitionFault.plan(link, { mode: 'disconnect' }, ctx)).toThrow(/mode "disconnect" takes containers off their network, and this driver runs no containers/);
    await expect(partitionFault.inject(link, { mode: 'disconnect' }, ctx)).rejects.toMatchObject({ code: 'bad-input', hint: expect.stringMatching(/--driver docker, or use mode "refuse" or "blackhole"/) });
    const target = t.replica(0);
    const refusal = (() => {
      try {
        memoryLimitFault.plan(target, memoryLimitFault.params.parse({}), ctx);
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(DrillbitError);
    expect(refusal).toMatchObject({ code: 'bad-input', message: expect.stringMatching(/memory-limit on shop\/.*: this driver's replicas are processes with no memory limit to lower/), hint: expect.stringMatching(/--driver docker, or use memory-pressure/) });
    expect(t.surface.replicas('shop')[0]).toMatchObject({ pid: target.pid, alive: true });
  });
});
