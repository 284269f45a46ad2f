import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { processExists } from '../../drivers/local/test-support.ts';
import type { PidRecord } from '../../process/pid-file.ts';
import { executeUndo } from '../undo-executor.ts';
import { memoryPressureFault } from './memory-pressure.ts';
import { rssMb, startFaultEnv, type FaultTestEnv } from './test-support.ts';
import { processesWithArgs, processSnapshot, stillRunning } from '../../../test/process-scan.ts';

/** A piece of the hog's script (its `node -e` argument): how /proc names a memory-pressure process. */
const HOG_MARK = 'held.push(Buffer.alloc(';

let t: FaultTestEnv | undefined;
afterEach(async () => expect(await t?.close()).toEqual([]));

const exists = (path: string) => access(path).then(() => true, () => false);

async function injectHog(env: FaultTestEnv, injectionId: string) {
  const ctx = env.context(injectionId);
  const params = memoryPressureFault.params.parse({ mb: 64 });
  const undo = memoryPressureFault.plan(env.service, params, ctx);
  const injected = await memoryPressureFault.inject(env.service, params, ctx);
  const path = join(ctx.workDir, 'pids', `fault-${injectionId}-0.pid`);
  const record = JSON.parse(await readFile(path, 'utf8')) as PidRecord;
  return { undo, injected, path, record };
}

describe('memory-pressure fault', () => {
  it('holds mb MiB resident in a process next to the service; the revert kills it and removes the pid file', async () => {
    t = await startFaultEnv();
    const { undo, injected, path, record } = await injectHog(t, 'mem1');
    expect(undo).toEqual([{ kind: 'kill-pid-file', path }]);
    expect(await rssMb(record.pid)).toBeGreaterThanOrEqual(64);

    await injected.revert();
    await injected.revert();
    // Killed at once; it is this test process's child, a zombie until the event loop reaps it.
    await expect.poll(() => processExists(record.pid), { timeout: 2000 }).toBe(false);
    expect(await exists(path)).toBe(false);
  });

  it('is undone by its planned undo record alone, as `drillbit clean` replays it', async () => {
    t = await startFaultEnv();
    const { undo, path, record } = await injectHog(t, 'mem2');
    for (const r of undo) await executeUndo(r);
    // Killed at once; it is this test process's child, a zombie until the event loop reaps it.
    await expect.poll(() => processExists(record.pid), { timeout: 2000 }).toBe(false);
    expect(await exists(path)).toBe(false);
  });

  it('refuses absurd sizes: over 8 GiB in the schema, more than the memory available at injection', async () => {
    expect(memoryPressureFault.params.safeParse({ mb: 8193 }).success).toBe(false);
    expect(memoryPressureFault.params.parse({})).toEqual({ mb: 256, reserveMb: 512 });
    t = await startFaultEnv();
    const params = memoryPressureFault.params.parse({ mb: 8192, reserveMb: 65_536 });
    await expect(memoryPressureFault.inject(t.service, params, t.context('mem3'))).rejects.toThrow(/memory-pressure on shop: 8192 MiB would leave less than 65536 MiB/);
    expect(await exists(join(t.driverCtx.workDir, 'pids', 'fault-mem3-0.pid'))).toBe(false);
  });

  it('leaves no process and no pid file when the run is aborted while it allocates', async () => {
    t = await startFaultEnv();
    const abort = new AbortController();
    const ctx = t.context('mem4', abort.signal);
    const path = join(ctx.workDir, 'pids', 'fault-mem4-0.pid');
    // 1 GiB takes the hog long enough to allocate that the abort lands before it says "ready".
    const injecting = memoryPressureFault.inject(t.service, memoryPressureFault.params.parse({ mb: 1024 }), ctx);
    const settled = injecting.then(() => 'resolved', () => 'rejected');
    let record: PidRecord | undefined;
    while (!record && !(await Promise.race([settled, new Promise((r) => setTimeout(r, 2, false))]))) record = await readFile(path, 'utf8').then((text) => JSON.parse(text) as PidRecord, () => undefined);
    const hog = { pid: record!.pid, startTime: processSnapshot(record!.pid)?.startTime };
    expect(stillRunning(hog), 'the hog is running when the abort comes').toBe(true);
    abort.abort(new Error('Ctrl-C'));
    await expect(injecting).rejects.toMatchObject({ code: 'aborted' });
    await expect.poll(() => stillRunning(hog), { timeout: 2000 }).toBe(false);
    expect(processesWithArgs(HOG_MARK, String(process.pid)), 'hog processes of this harness').toEqual([]);
    expect(await exists(path)).toBe(false);
  });

  it('starts no process at all when the run is aborted before it injects', async () => {
    t = await startFaultEnv();
    const abort = new AbortController();
    abort.abort(new Error('Ctrl-C'));
    await expect(memoryPressureFault.inject(t.service, memoryPressureFault.params.parse({ mb: 64 }), t.context('mem5', abort.signal))).rejects.toMatchObject({ code: 'aborted' });
    expect(processesWithArgs(HOG_MARK, String(process.pid))).toEqual([]);
    expect(await exists(join(t.driverCtx.workDir, 'pids', 'fault-mem5-0.pid'))).toBe(false);
  });
});
