import { stat, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { executeUndo } from '../undo-executor.ts';
import { diskFillFault } from './disk-fill.ts';
import { startFaultEnv, type FaultTestEnv } from './test-support.ts';

let t: FaultTestEnv | undefined;
afterEach(async () => expect(await t?.close()).toEqual([]));

const size = (path: string) => stat(path).then((s) => s.size, () => undefined);

describe('disk-fill fault', () => {
  it("writes a file of mb MiB into the service's data directory; the revert removes it", async () => {
    t = await startFaultEnv();
    const ctx = t.context('d1');
    const params = diskFillFault.params.parse({ mb: 16 });
    const path = join(t.surface.dataDir('shop'), '.drillbit-fill-d1');
    expect(diskFillFault.plan(t.service, params, ctx)).toEqual([{ kind: 'remove-path', path }]);
    const injected = await diskFillFault.inject(t.service, params, ctx);
    expect(await size(path)).toBe(16 * 1024 * 1024);
    expect((await stat(path)).blocks * 512).toBeGreaterThanOrEqual(16 * 1024 * 1024); // real blocks, not a sparse file

    await injected.revert();
    await injected.revert();
    expect(await size(path)).toBeUndefined();
  });

  it('is undone by its planned undo record alone, as `drillbit clean` replays it', async () => {
    t = await startFaultEnv();
    const ctx = t.context('d2');
    const params = diskFillFault.params.parse({ mb: 16 });
    const undo = diskFillFault.plan(t.service, params, ctx);
    await diskFillFault.inject(t.service, params, ctx);
    for (const r of undo) await executeUndo(r);
    expect(await size(join(t.surface.dataDir('shop'), '.drillbit-fill-d2'))).toBeUndefined();
  });

  it('never takes the free space below reserveMb, and refuses more than 10 GiB', async () => {
    expect(diskFillFault.params.safeParse({ mb: 10_241 }).success).toBe(false);
    expect(diskFillFault.params.parse({})).toEqual({ mb: 256, reserveMb: 512 });
    t = await startFaultEnv();
    const fs = await statfs(t.surface.dataDir('shop'));
    const freeMb = Math.floor((fs.bavail * fs.bsize) / 1024 / 1024);
    const params = diskFillFault.params.parse({ mb: 16, reserveMb: Math.min(freeMb + 100, 1_048_576) });
    await expect(diskFillFault.inject(t.service, params, t.context('d3'))).rejects.toThrow(/disk-fill on shop: only \d+ MiB free, less than the \d+ MiB it must leave/);
    expect(await size(join(t.surface.dataDir('shop'), '.drillbit-fill-d3'))).toBeUndefined();
  });

  it('leaves no file when the run is aborted while it writes', async () => {
    t = await startFaultEnv();
    const abort = new AbortController();
    abort.abort(new Error('Ctrl-C'));
    await expect(diskFillFault.inject(t.service, diskFillFault.params.parse({ mb: 16 }), t.context('d4', abort.signal))).rejects.toMatchObject({ code: 'aborted' });
    expect(await size(join(t.surface.dataDir('shop'), '.drillbit-fill-d4'))).toBeUndefined();
  });
});
