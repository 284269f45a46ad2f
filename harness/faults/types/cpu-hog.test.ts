import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { processExists } from '../../drivers/local/test-support.ts';
import type { PidRecord } from '../../process/pid-file.ts';
import { sleep } from '../../util/sleep.ts';
import { executeUndo } from '../undo-executor.ts';
import { cpuHogFault } from './cpu-hog.ts';
import { cpuTicks, startFaultEnv, type FaultTestEnv } from './test-support.ts';

let t: FaultTestEnv | undefined;
afterEach(async () => expect(await t?.close()).toEqual([]));

const exists = (path: string) => access(path).then(() => true, () => false);

async function injectHog(env: FaultTestEnv, injectionId: string) {
  const ctx = env.context(injectionId);
  const params = cpuHogFault.params.parse({ workers: 1 });
  const undo = cpuHogFault.plan(env.service, params, ctx);
  const injected = await cpuHogFault.inject(env.service, params, ctx);
  const path = join(ctx.workDir, 'pids', `fault-${injectionId}-0.pid`);
  const record = JSON.parse(await readFile(path, 'utf8')) as PidRecord;
  return { undo, injected, path, record };
}

describe('cpu-hog fault', () => {
  it('runs a spinning process (own group, pid file) next to the service; the revert kills it and removes the pid file', async () => {
    t = await startFaultEnv();
    const { undo, injected, path, record } = await injectHog(t, 'cpu1');
    expect(undo).toEqual([{ kind: 'kill-pid-file', path }]);
    expect(record).toMatchObject({ pgid: record.pid, service: 'shop', replica: 'fault-cpu1-0' });
    expect(record.procStartTime).toBeGreaterThan(0);
    const before = await cpuTicks(record.pid);
    await sleep(300);
    expect((await cpuTicks(record.pid)) - before).toBeGreaterThanOrEqual(5); // 30 ticks would be one full core

    await injected.revert();
    await injected.revert();
    // Killed at once; it is this test process's child, a zombie until the event loop reaps it.
    await expect.poll(() => processExists(record.pid), { timeout: 2000 }).toBe(false);
    expect(await exists(path)).toBe(false);
  });

  it('is undone by its planned undo records alone, as `drillbit clean` replays them', async () => {
    t = await startFaultEnv();
    const { undo, path, record } = await injectHog(t, 'cpu2');
    for (const r of undo) await executeUndo(r);
    // Killed at once; it is this test process's child, a zombie until the event loop reaps it.
    await expect.poll(() => processExists(record.pid), { timeout: 2000 }).toBe(false);
    expect(await exists(path)).toBe(false);
  });

  it('bounds workers', () => {
    expect(cpuHogFault.params.parse({})).toEqual({ workers: 1 });
    expect(cpuHogFault.params.safeParse({ workers: 65 }).success).toBe(false);
    expect(cpuHogFault.params.safeParse({ workers: 0 }).success).toBe(false);
  });
});
