import { afterEach, describe, expect, it } from 'vitest';
import { executeUndo } from '../undo-executor.ts';
import { pauseFault } from './pause.ts';
import { get, processState, startFaultEnv, type FaultTestEnv } from './test-support.ts';

let t: FaultTestEnv | undefined;
afterEach(async () => expect(await t?.close()).toEqual([]));

async function replicaAddress(env: FaultTestEnv): Promise<URL> {
  return (await env.env.observe()).shop!.replicas[0]!.address!;
}

describe('pause fault', () => {
  it('stops the process group: requests to the replica time out; the revert resumes it', async () => {
    t = await startFaultEnv();
    const target = t.replica(0);
    const direct = await replicaAddress(t);
    const ctx = t.context('p1');
    expect(pauseFault.plan(target, {}, ctx)).toEqual([{ kind: 'signal', pid: target.pid, pgid: target.pid, procStartTime: target.procStartTime, signal: 'SIGCONT' }]);

    const injected = await pauseFault.inject(target, {}, ctx);
    expect(await processState(target.pid)).toBe('T');
    await expect(get(direct, 300)).rejects.toThrow();
    await expect(get(t.address, 300)).rejects.toThrow();

    await injected.revert();
    await injected.revert();
    expect(await processState(target.pid)).not.toBe('T');
    expect((await get(direct)).status).toBe(200);
    expect((await get(t.address)).body).toBe(`v1 ${target.pid}`);
  });

  it('is undone by its planned undo record alone, as `drillbit clean` replays it', async () => {
    t = await startFaultEnv();
    const target = t.replica(0);
    const ctx = t.context('p2');
    const undo = pauseFault.plan(target, {}, ctx);
    await pauseFault.inject(target, {}, ctx);
    expect(await processState(target.pid)).toBe('T');
    for (const record of undo) await executeUndo(record);
    expect(await processState(target.pid)).not.toBe('T');
    expect((await get(t.address)).status).toBe(200);
  });
});
