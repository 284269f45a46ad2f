import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { processRunning } from '../../drivers/local/test-support.ts';
import { killFault } from './kill.ts';
import { get, startFaultEnv, type FaultTestEnv } from './test-support.ts';

let t: FaultTestEnv | undefined;
afterEach(async () => expect(await t?.close()).toEqual([]));

describe('kill fault', () => {
  it('SIGKILLs the replica (unhealthy, no digest until replaced); the revert puts a new process of the same release in its slot', async () => {
    t = await startFaultEnv({ replicas: 2 });
    const target = t.replica(0);
    const ctx = t.context('k1');
    expect(killFault.plan(target, killFault.params.parse({}), ctx)).toEqual([expect.objectContaining({ kind: 'in-process' })]);

    const injected = await killFault.inject(target, killFault.params.parse({}), ctx);
    expect(injected.detail).toMatch(/SIGKILL/);
    expect(await processRunning(target.pid)).toBe(false);
    const dead = (await t.env.observe()).shop!.replicas.find((r) => r.id === target.replicaId)!;
    expect(dead).toMatchObject({ healthy: false, serving: false });
    expect(dead.digest).toBeUndefined();
    expect((await get(t.address)).status).toBe(200); // the other replica serves

    await Promise.all([injected.revert(), injected.revert()]);
    await injected.revert();
    const slot = t.surface.replicas('shop').find((r) => r.id === target.replicaId)!;
    expect(slot).toMatchObject({ alive: true, serving: true });
    expect(slot.pid).not.toBe(target.pid);
    const observed = (await t.env.observe()).shop!.replicas;
    expect(observed.map((r) => [r.digest, r.healthy, r.serving])).toEqual([[t.release.digest, true, true], [t.release.digest, true, true]]);
    const pidFile = JSON.parse(await readFile(join(t.driverCtx.workDir, 'pids', `${target.replicaId}.pid`), 'utf8'));
    expect(pidFile.pid).toBe(slot.pid);
    const served = new Set<string>();
    for (let i = 0; i < 4; i++) served.add((await get(t.address)).body.split(' ')[1]!);
    expect(served).toContain(String(slot.pid));
  });

  it('refuses, naming fault and target, when the replica is already gone', async () => {
    t = await startFaultEnv();
    const target = t.replica(0);
    await (await killFault.inject(target, killFault.params.parse({}), t.context('k1'))).revert();
    await expect(killFault.inject(target, killFault.params.parse({}), t.context('k2'))).rejects.toThrow(/fault kill on shop\/shop-g1-0 \(pid \d+\): the replica is gone/);
  });
});
