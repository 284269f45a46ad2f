import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalDriver } from '../drivers/local/local-driver.ts';
import { pidsWithMarker, testContext, writeTestBundle } from '../drivers/local/test-support.ts';
import { removeReadOnlyTree } from '../release/release-store.ts';
import { reapRun } from './run-reaper.ts';

let root: string | undefined;
afterEach(async () => {
  if (root) await removeReadOnlyTree(root);
  root = undefined;
});

describe('reapRun', () => {
  it('stops what a dead run launched even without its pid files (killed before one was on disk): by the run id its launchers were started with', async () => {
    root = await mkdtemp(join(tmpdir(), 'drillbit-reaper-'));
    const runId = `reaper-test-${process.pid}-${Date.now()}`;
    const mark = `drillbit-reaper-${runId}`;
    const runDir = join(root, 'runs', runId);
    const driver = new LocalDriver();
    const dir = await writeTestBundle(join(root, 'bundles'), 'v1', { command: ['/bin/sh', '-c', `( setsid node -e 'setInterval(() => {}, 1000)' drillbit-reaper-"$DRILLBIT_RUN_ID" & ) ; exec node server.mjs`] });
    const release = await driver.resolveRelease('shop', 'v1', dir, root, { storeDir: join(root, 'store') });
    const ctx = testContext(join(runDir, 'attempt-1'), runId);
    const env = await driver.up({ services: { shop: { replicas: 2, strategy: 'blue-green' } } }, ctx);
    try {
      await env.deploy('shop', release);
      expect(await pidsWithMarker(mark)).toHaveLength(2);
      // As a SIGKILLed run leaves it: an owner that is gone, and (here) no pid file at all.
      await rm(join(runDir, 'attempt-1', 'pids'), { recursive: true, force: true });
      const gone = spawnSync('true').pid;
      await writeFile(join(runDir, 'owner.json'), JSON.stringify({ runId, pid: gone, startedAt: new Date().toISOString(), cwd: root }));

      const dry = await reapRun(runDir, { dryRun: true });
      expect(dry.processesKilled, 'the two replicas\' groups, counted').toBe(2);
      expect(await pidsWithMarker(mark)).toHaveLength(2);
      const report = await reapRun(runDir);
      expect(report).toMatchObject({ processesKilled: 2, errors: [] });
      await expect.poll(() => pidsWithMarker(mark), { timeout: 5000 }).toEqual([]);
      expect((await reapRun(runDir)).skipped).toBe('finished');
    } finally {
      await ctx.teardown.runAll();
    }
  });
});
