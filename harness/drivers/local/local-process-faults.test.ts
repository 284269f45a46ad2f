import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DriverContext, ResolvedRelease } from '../driver.ts';
import { processStartTime } from '../../process/proc-inspector.ts';
import { removeReadOnlyTree } from '../../release/release-store.ts';
import { LocalDriver } from './local-driver.ts';
import type { LocalEnvironment } from './local-environment.ts';
import { processRunning, testContext, writeTestBundle } from './test-support.ts';
import { processesOfRun } from '../../../test/process-scan.ts';

let root: string;
let driver: LocalDriver;
const contexts: DriverContext[] = [];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'drillbit-local-faults-'));
  driver = new LocalDriver({ stopGraceMs: 500 });
});
afterEach(async () => {
  for (const ctx of contexts.splice(0)) expect(await ctx.teardown.runAll()).toEqual([]);
  await removeReadOnlyTree(root);
});

async function release(name: string): Promise<ResolvedRelease> {
  return driver.resolveRelease('shop', name, await writeTestBundle(join(root, 'bundles'), name), root, { storeDir: join(root, 'store') });
}

async function up(replicas = 1, runId?: string): Promise<{ env: LocalEnvironment; ctx: DriverContext }> {
  const ctx = testContext(join(root, `work-${contexts.length}`), runId);
  contexts.push(ctx);
  return { env: await driver.up({ services: { shop: { replicas, strategy: 'blue-green' } } }, ctx), ctx };
}

async function killAndWait(env: LocalEnvironment, id: string): Promise<number> {
  const victim = env.processFaults.replicas('shop').find((r) => r.id === id)!;
  process.kill(-victim.pgid, 'SIGKILL');
  await expect.poll(() => env.processFaults.replicas('shop').find((r) => r.id === id)!.alive).toBe(false);
  return victim.pid;
}

const status = async (url: URL) => (await fetch(url)).status;

describe('LocalEnvironment.processFaults', () => {
  it('lists the serving and warm replicas with pid, group and start time', async () => {
    const [v1, v2] = [await release('v1'), await release('v2')];
    const { env } = await up(2);
    await env.deploy('shop', v1);
    await env.deploy('shop', v2);
    const handles = env.processFaults.replicas('shop');
    expect(handles.map((r) => [r.id, r.serving, r.alive])).toEqual([
      ['shop-g2-0', true, true], ['shop-g2-1', true, true], ['shop-g1-0', false, true], ['shop-g1-1', false, true],
    ]);
    for (const r of handles) {
      expect(r.pgid).toBe(r.pid);
      expect(r.procStartTime).toBe(await processStartTime(r.pid));
    }
  });

  it('replaces a dead replica in its slot (same id, new process, routed once healthy); a live one is left alone', async () => {
    const v1 = await release('v1');
    const { env, ctx } = await up(2);
    await env.deploy('shop', v1);
    const surface = env.processFaults;
    const live = surface.replicas('shop')[1]!;
    await surface.replaceReplica('shop', live.id);
    expect(surface.replicas('shop')[1]!.pid).toBe(live.pid);

    const old = await killAndWait(env, 'shop-g1-0');
    expect(surface.replicas('shop')[0]).toMatchObject({ serving: false, alive: false });
    await Promise.all([surface.replaceReplica('shop', 'shop-g1-0'), surface.replaceReplica('shop', 'shop-g1-0')]);
    const slot = surface.replicas('shop')[0]!;
    expect(slot).toMatchObject({ id: 'shop-g1-0', serving: true, alive: true });
    expect(slot.pid).not.toBe(old);
    expect(await processRunning(old)).toBe(false);
    expect(JSON.parse(await readFile(join(ctx.workDir, 'pids', 'shop-g1-0.pid'), 'utf8')).pid).toBe(slot.pid);
    const observed = (await env.observe()).shop!.replicas;
    expect(observed.map((r) => [r.id, r.digest, r.healthy, r.serving])).toEqual([['shop-g1-0', v1.digest, true, true], ['shop-g1-1', v1.digest, true, true]]);
  });

  it('replaces a dead warm replica, so an instant rollback stays possible; ignores retired generations; names unknown ids', async () => {
    const [v1, v2, v3] = [await release('v1'), await release('v2'), await release('v3')];
    const { env } = await up();
    await env.deploy('shop', v1);
    await env.deploy('shop', v2);
    const old = await killAndWait(env, 'shop-g1-0');
    await env.processFaults.replaceReplica('shop', 'shop-g1-0');
    const warm = env.processFaults.replicas('shop').find((r) => r.id === 'shop-g1-0')!;
    expect(warm).toMatchObject({ alive: true, serving: false });
    expect(warm.pid).not.toBe(old);
    await env.rollback('shop', v1);
    expect(env.processFaults.replicas('shop').find((r) => r.serving)!.pid).toBe(warm.pid);

    await env.deploy('shop', v3); // retires g2
    await env.processFaults.replaceReplica('shop', 'shop-g2-0');
    await expect(env.processFaults.replaceReplica('shop', 'shop-g9-0')).rejects.toThrow(/shop has no replica "shop-g9-0"; it has: shop-g3-0, shop-g1-0/);
    expect(() => env.processFaults.replicas('nope')).toThrow(/unknown service "nope"/);
  });

  it('stops a service (503) and starts its release again; both idempotent; a deploy during the outage ends it', async () => {
    const [v1, v2] = [await release('v1'), await release('v2')];
    const { env } = await up();
    const surface = env.processFaults;
    await surface.startService('shop'); // not stopped: nothing to do
    expect(await status(env.address('shop'))).toBe(503);
    await env.deploy('shop', v1);
    await env.deploy('shop', v2);
    await Promise.all([surface.stopService('shop'), surface.stopService('shop')]);
    expect(surface.replicas('shop')).toEqual([]);
    expect(await status(env.address('shop'))).toBe(503);
    await surface.startService('shop');
    await surface.startService('shop');
    expect((await fetch(env.address('shop'))).headers.get('x-drillbit-release')).toBe('v2');
    expect(surface.replicas('shop')).toHaveLength(1); // a fresh deploy: nothing warm

    await surface.stopService('shop');
    await env.deploy('shop', v1);
    await surface.startService('shop');
    expect(surface.replicas('shop').map((r) => r.id)).toEqual(['shop-g4-0']);
  });

  it('after down(), the reverts (replace, start, stop) have nothing to do and resolve: they start no process and write no pid file', async () => {
    const v1 = await release('v1');
    const runId = `after-down-${process.pid}-${Date.now()}`; // its own: other test files' replicas run as test-run
    const { env, ctx } = await up(1, runId);
    await env.deploy('shop', v1);
    expect(processesOfRun(runId).length, 'the scan sees the replica while it serves').toBeGreaterThan(0);
    await env.processFaults.stopService('shop');
    await env.down();
    await expect.poll(() => processesOfRun(runId), { timeout: 5000 }).toEqual([]);
    // Looked for after each revert: a later stopService would hide what startService or replaceReplica left.
    for (const [name, revert] of [['startService', () => env.processFaults.startService('shop')], ['replaceReplica', () => env.processFaults.replaceReplica('shop', 'shop-g1-0')], ['stopService', () => env.processFaults.stopService('shop')]] as const) {
      await revert();
      await new Promise((r) => setTimeout(r, 100)); // a replica launched in the background would have spawned by now
      expect(processesOfRun(runId), `processes of the run after ${name}`).toEqual([]);
    }
    await expect(env.deploy('shop', v1)).rejects.toThrow(/down/);
    expect(env.processFaults.replicas('shop').filter((r) => r.alive)).toEqual([]);
    expect(await readdir(join(ctx.workDir, 'pids')).catch(() => []), 'pid files').toEqual([]);
  });

  it('adds and removes HTTP fault rules at the address; refuses a share outside 0..1', async () => {
    const v1 = await release('v1');
    const { env } = await up();
    await env.deploy('shop', v1);
    const remove = env.processFaults.addHttpFault('shop', { id: 'abort-1', share: 1, abortStatus: 500, random: Math.random });
    const res = await fetch(env.address('shop'));
    expect([res.status, res.headers.get('x-drillbit-fault')]).toEqual([500, 'abort-1']);
    remove();
    remove();
    expect(await status(env.address('shop'))).toBe(200);
    expect(() => env.processFaults.addHttpFault('shop', { id: 'x', share: 2, abortStatus: 500, random: Math.random })).toThrow(/share must be within 0..1/);
    expect(env.processFaults.dataDir('shop')).toMatch(/data\/shop$/);
  });
});
