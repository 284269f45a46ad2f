import { afterEach, describe, expect, it } from 'vitest';
import { processRunning } from '../../drivers/local/test-support.ts';
import { restartFault } from './restart.ts';
import { get, startFaultEnv, type FaultTestEnv } from './test-support.ts';

let t: FaultTestEnv | undefined;
afterEach(async () => expect(await t?.close()).toEqual([]));

describe('restart fault', () => {
  it('SIGTERMs the replica and starts a replacement of the same release in its slot; the revert has nothing left to do', async () => {
    t = await startFaultEnv();
    const target = t.replica(0);
    const injected = await restartFault.inject(target, restartFault.params.parse({}), t.context('r1'));
    expect(injected.detail).toMatch(/stopped \(SIGTERM\), replaced by pid \d+/);
    expect(await processRunning(target.pid)).toBe(false);
    const exit = t.driverCtx.timeline.events.find((e) => e.type === 'replica-exit' && e.pid === target.pid);
    expect(exit).toMatchObject({ signal: 'SIGTERM', replica: target.replicaId });
    const next = t.surface.replicas('shop')[0]!;
    expect(next).toMatchObject({ id: target.replicaId, alive: true, serving: true });
    expect((await get(t.address)).body).toBe(`v1 ${next.pid}`);

    await injected.revert();
    expect(t.surface.replicas('shop')[0]!.pid).toBe(next.pid);
    expect((await t.env.observe()).shop!.replicas).toEqual([expect.objectContaining({ digest: t.release.digest, healthy: true, serving: true })]);
  });

  it('SIGKILLs a replica that ignores SIGTERM after graceMs', async () => {
    t = await startFaultEnv({ bundle: { mode: 'stubborn' }, stopGraceMs: 200 });
    const target = t.replica(0);
    const started = performance.now();
    const injected = await restartFault.inject(target, restartFault.params.parse({ graceMs: 200 }), t.context('r2'));
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(injected.detail).toMatch(/SIGKILL after 200ms/);
    expect((await get(t.address)).status).toBe(200);
  });
});
