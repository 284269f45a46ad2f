import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeployRejectedError } from '../deploy-rejected-error.ts';
import type { DriverContext, EnvironmentSpec, ResolvedRelease } from '../driver.ts';
import { removeReadOnlyTree } from '../../release/release-store.ts';
import { LocalDriver } from './local-driver.ts';
import type { LocalEnvironment } from './local-environment.ts';
import { pidsWithMarker, processExists, processRunning, testContext, writeTestBundle, type TestBundleOptions } from './test-support.ts';

let root: string;
let driver: LocalDriver;
const contexts: DriverContext[] = [];
const agent = new Agent({ connections: 4 });

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'drillbit-local-'));
  driver = new LocalDriver();
});
afterEach(async () => {
  for (const ctx of contexts.splice(0)) expect(await ctx.teardown.runAll()).toEqual([]);
  await removeReadOnlyTree(root);
});

async function release(name: string, options: TestBundleOptions = {}): Promise<ResolvedRelease> {
  const dir = await writeTestBundle(join(root, 'bundles'), name, options);
  return driver.resolveRelease(options.service ?? 'shop', name, dir, root, { storeDir: join(root, 'store') });
}

async function up(spec: Partial<EnvironmentSpec['services'][string]> = {}, workName = 'work'): Promise<{ env: LocalEnvironment; ctx: DriverContext }> {
  const ctx = testContext(join(root, workName), workName);
  contexts.push(ctx);
  const env = await driver.up({ services: { shop: { replicas: 1, strategy: 'blue-green', ...spec } } }, ctx);
  return { env, ctx };
}

async function hit(url: URL, path = '/'): Promise<{ status: number; release?: string; body: string }> {
  const res = await request(new URL(path, url), { dispatcher: agent });
  const header = res.headers['x-drillbit-release'];
  return { status: res.statusCode, release: typeof header === 'string' ? header : undefined, body: await res.body.text() };
}

async function servingPids(env: LocalEnvironment, digest: string): Promise<number[]> {
  const { shop } = await env.observe();
  return shop!.replicas.filter((r) => r.digest === digest).map((r) => r.pid!).sort();
}

describe('LocalDriver', () => {
  it('deploys blue/green, keeps the previous release warm, and rolls back to it without new processes', async () => {
    const [v1, v2] = [await release('v1'), await release('v2')];
    const { env } = await up({ replicas: 2 });
    const address = env.address('shop');

    expect((await hit(address)).status).toBe(503);
    await env.deploy('shop', v1);
    expect((await hit(address)).release).toBe('v1');
    const v1Pids = await servingPids(env, v1.digest);
    expect(v1Pids).toHaveLength(2);

    await env.deploy('shop', v2);
    expect(env.address('shop').href).toBe(address.href);
    expect((await hit(address)).release).toBe('v2');
    const afterDeploy = (await env.observe()).shop!.replicas;
    expect(afterDeploy.filter((r) => r.serving).map((r) => r.digest)).toEqual([v2.digest, v2.digest]);
    const warm = afterDeploy.filter((r) => !r.serving);
    expect(warm.map((r) => r.digest)).toEqual([v1.digest, v1.digest]);
    expect(warm.every((r) => r.healthy && processExists(r.pid!))).toBe(true);

    await env.rollback('shop', v1);
    expect((await hit(address)).release).toBe('v1');
    expect(await servingPids(env, v1.digest)).toEqual(v1Pids);
    const afterRollback = (await env.observe()).shop!.replicas;
    expect(afterRollback.filter((r) => r.serving).map((r) => r.pid).sort()).toEqual(v1Pids);
    expect(afterRollback.filter((r) => !r.serving).map((r) => r.digest)).toEqual([v2.digest, v2.digest]);
  });

  it('switches a keep-alive client at once on rollback', async () => {
    const [v1, v2] = [await release('v1'), await release('v2')];
    const { env } = await up();
    await env.deploy('shop', v1);
    await env.deploy('shop', v2);
    const oneConnection = new Agent({ connections: 1 });
    try {
      const get = async () => (await request(env.address('shop'), { dispatcher: oneConnection })).headers['x-drillbit-release'];
      expect(await get()).toBe('v2');
      await env.rollback('shop', v1);
      expect(await get()).toBe('v1');
    } finally {
      await oneConnection.close();
    }
  });

  it('rejects a release that exits on boot, naming its last stderr line, and v1 keeps serving', async () => {
    const [v1, crash] = [await release('v1'), await release('crash', { mode: 'crash' })];
    const { env, ctx } = await up({ replicas: 2 });
    await env.deploy('shop', v1);
    const error = await env.deploy('shop', crash).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(DeployRejectedError);
    expect((error as Error).message).toMatch(/exited with code 1 before becoming healthy: boom: refusing to boot/);
    expect((await hit(env.address('shop'))).release).toBe('v1');
    expect((await env.observe()).shop!.replicas.map((r) => [r.digest, r.serving])).toEqual([[v1.digest, true], [v1.digest, true]]);
    expect(ctx.timeline.events.some((e) => e.type === 'replica-exit' && e.phase === 'boot' && e.release === 'crash')).toBe(true);
  });

  it('rejects a release whose health never passes within its timeoutMs', async () => {
    const [v1, sick] = [await release('v1'), await release('sick', { mode: 'unhealthy', health: { timeoutMs: 600 } })];
    const { env } = await up();
    await env.deploy('shop', v1);
    const started = performance.now();
    await expect(env.deploy('shop', sick)).rejects.toThrow(/did not return 200 within 600ms \(last: /);
    expect(performance.now() - started).toBeLessThan(600 + 2500);
    expect((await hit(env.address('shop'))).release).toBe('v1');
    expect((await env.observe()).shop!.replicas).toHaveLength(1);
  });

  it('observes what really runs: digests from /proc, a mismatch when the wrong release runs', async () => {
    const [v1, v2] = [await release('v1'), await release('v2')];
    const { env } = await up();
    await env.deploy('shop', v1);
    const [observed] = (await env.observe()).shop!.replicas;
    expect(observed).toMatchObject({ digest: v1.digest, configDigest: v1.configDigest, healthy: true, serving: true });

    // A release record that claims v2 but points at v1's files: observe must report v1.
    await env.deploy('shop', { ...v2, storePath: v1.storePath });
    const serving = (await env.observe()).shop!.replicas.find((r) => r.serving)!;
    expect(serving.digest).toBe(v1.digest);

    // A release that changes its own env before it serves (its command is part of it, and its
    // digest): not drift. The config observed is what Drillbit launched it with.
    const own = await release('own-env', { command: ['/bin/sh', '-c', `MODE=rewritten exec ${process.execPath} server.mjs`] });
    await env.deploy('shop', own);
    const serving2 = (await env.observe()).shop!.replicas.find((r) => r.serving)!;
    expect(serving2).toMatchObject({ digest: own.digest, configDigest: own.configDigest });
  });

  it('passively drops a dead replica from the pool and shows it unhealthy, without a digest', async () => {
    const v1 = await release('v1');
    const { env, ctx } = await up({ replicas: 2 });
    await env.deploy('shop', v1);
    const [victim] = (await env.observe()).shop!.replicas;
    process.kill(victim!.pid!, 'SIGKILL');
    await expect.poll(() => ctx.timeline.events.some((e) => e.type === 'replica-exit' && e.replica === victim!.id)).toBe(true);
    const statuses = await Promise.all(Array.from({ length: 6 }, () => hit(env.address('shop')).then((r) => r.status)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    const dead = (await env.observe()).shop!.replicas.find((r) => r.id === victim!.id)!;
    expect(dead).toMatchObject({ healthy: false, serving: false });
    expect(dead.digest).toBeUndefined();
  });

  it('keeps the data dir across deploy and rollback', async () => {
    const [v1, v2] = [await release('v1'), await release('v2')];
    const { env } = await up({ strategy: 'recreate' });
    await env.deploy('shop', v1);
    await request(new URL('/data/order-1', env.address('shop')), { method: 'PUT', body: 'paid', dispatcher: agent }).then((r) => r.body.text());
    await env.deploy('shop', v2);
    expect((await hit(env.address('shop'), '/data/order-1')).body).toBe('paid');
    await env.rollback('shop', v1);
    expect((await hit(env.address('shop'))).release).toBe('v1');
    expect((await hit(env.address('shop'), '/data/order-1')).body).toBe('paid');
  });

  it('runs a release that is not Node', async () => {
    const py = await release('py', { command: ['python3', '-m', 'http.server', '{port}', '--bind', '127.0.0.1'], health: { path: '/', timeoutMs: 5000 } });
    const { env } = await up();
    await env.deploy('shop', py);
    const res = await hit(env.address('shop'), '/release.json');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).version).toBe('py');
    expect((await env.observe()).shop!.replicas[0]).toMatchObject({ digest: py.digest, configDigest: py.configDigest, healthy: true });
  });

  it('writes pid files and logs while replicas run, and down() leaves no process', async () => {
    const [v1, v2] = [await release('v1'), await release('v2')];
    const { env, ctx } = await up({ replicas: 2 });
    await env.deploy('shop', v1);
    await env.deploy('shop', v2);
    const pids = (await env.observe()).shop!.replicas.map((r) => r.pid!);
    expect(pids).toHaveLength(4);
    const pidFiles = await readdir(join(ctx.workDir, 'pids'));
    expect(pidFiles.sort()).toEqual(['shop-g1-0.pid', 'shop-g1-1.pid', 'shop-g2-0.pid', 'shop-g2-1.pid']);
    const record = JSON.parse(await readFile(join(ctx.workDir, 'pids', 'shop-g2-0.pid'), 'utf8'));
    expect(record).toMatchObject({ pgid: record.pid, runId: 'work', service: 'shop', digest: v2.digest });
    expect(await readdir(join(ctx.workDir, 'logs'))).toContain('shop-g2-0.log');

    await Promise.all([env.down(), env.down()]);
    expect(pids.filter(processExists)).toEqual([]);
    expect(await readdir(join(ctx.workDir, 'pids'))).toEqual([]);
    await expect(fetch(env.address('shop'))).rejects.toThrow();
    await expect(env.deploy('shop', v1)).rejects.toThrow(/down/);
  });

  it('runs parallel environments without collisions', async () => {
    const [v1, v2] = [await release('v1'), await release('v2')];
    const [a, b] = await Promise.all([up({ replicas: 2 }, 'work-a'), up({ replicas: 2 }, 'work-b')]);
    await Promise.all([a.env.deploy('shop', v1), b.env.deploy('shop', v2)]);
    expect(a.env.address('shop').href).not.toBe(b.env.address('shop').href);
    expect((await hit(a.env.address('shop'))).release).toBe('v1');
    expect((await hit(b.env.address('shop'))).release).toBe('v2');
    await a.env.down();
    expect((await hit(b.env.address('shop'))).release).toBe('v2');
  });

  it('starts a replica once more on another port when it lost a race for its port', async () => {
    const racy = await release('racy', { mode: 'port-race-once' });
    const { env, ctx } = await up();
    await env.deploy('shop', racy);
    expect((await hit(env.address('shop'))).release).toBe('racy');
    expect(ctx.timeline.events.filter((e) => e.type === 'replica-exit').map((e) => e.message)).toEqual([expect.stringContaining('EADDRINUSE')]);
  });

  it('a release that crashes on boot says why: its error, what continues it and its first frame, and the log\'s path — not Node\'s version trailer', async () => {
    const dir = await writeTestBundle(join(root, 'bundles'), 'missing-module', { command: ['node', 'server.cjs'] });
    await writeFile(join(dir, 'server.cjs'), "const pad = require('left-pad');\n");
    const crash = await driver.resolveRelease('shop', 'missing-module', dir, root, { storeDir: join(root, 'store') });
    const { env, ctx } = await up();
    const rejected = (await env.deploy('shop', crash).catch((error: unknown) => error)) as Error;
    expect(rejected).toBeInstanceOf(DeployRejectedError);
    expect(rejected.message).toMatch(/replica shop-g1-0 exited with code 1 before becoming healthy: Error: Cannot find module 'left-pad' · Require stack: · - .*server\.cjs · at Object\.<anonymous> \(.*server\.cjs:1:13\) \(log: (.*)\)$/);
    const log = /\(log: (.*)\)$/.exec(rejected.message)![1]!;
    expect(log).toBe(join(ctx.workDir, 'logs', 'shop-g1-0.log'));
    expect(await readFile(log, 'utf8')).toContain('Node.js v');
    expect(rejected.message).not.toContain('Node.js v');
  });

  it('rejects a release whose command does not exist', async () => {
    const missing = await release('missing', { command: ['drillbit-no-such-program'] });
    const { env } = await up();
    await expect(env.deploy('shop', missing)).rejects.toThrow(/could not start "drillbit-no-such-program": no such program on the replica's PATH \(\/.*\)/);
  });

  it('stops what a replica spawned, and SIGKILLs a replica that ignores SIGTERM after the grace', async () => {
    driver = new LocalDriver({ stopGraceMs: 300 });
    const marker = `drillbit-test-child-${process.pid}-${Date.now()}`;
    const stubborn = await release('stubborn', {
      mode: 'stubborn',
      command: ['/bin/sh', '-c', `${process.execPath} -e 'setTimeout(() => {}, 30000)' ${marker} & exec ${process.execPath} server.mjs`],
    });
    const { env } = await up();
    await env.deploy('shop', stubborn);
    const [replica] = (await env.observe()).shop!.replicas;
    const [child] = await pidsWithMarker(marker);
    expect(child, 'the child it spawned runs').toBeDefined();
    const started = performance.now();
    await env.down();
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(processExists(replica!.pid!)).toBe(false);
    expect(await processRunning(child!)).toBe(false);
  });

  it('aborts a deploy when the run is aborted, leaving no new process', async () => {
    const [v1, slow] = [await release('v1'), await release('slow', { mode: 'unhealthy', health: { timeoutMs: 20_000 } })];
    const { env, ctx } = await up();
    await env.deploy('shop', v1);
    setTimeout(() => (ctx as ReturnType<typeof testContext>).abort.abort(), 200);
    const started = performance.now();
    await expect(env.deploy('shop', slow)).rejects.toMatchObject({ code: 'aborted' });
    expect(performance.now() - started).toBeLessThan(3000);
    expect(await readdir(join(ctx.workDir, 'pids'))).toEqual(['shop-g1-0.pid']);
  });

  it('refuses unknown services and releases of another service as bad input', async () => {
    const cart = await release('cart', { service: 'cart' });
    const { env } = await up();
    expect(() => env.address('nope')).toThrow(/unknown service "nope"; this environment has: shop/);
    await expect(env.deploy('shop', cart)).rejects.toMatchObject({ code: 'bad-input' });
  });
});
