import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { FaultContext, FaultTarget } from '../../faults/fault-type.ts';
import { cpuHogFault } from '../../faults/types/cpu-hog.ts';
import { latencyFault } from '../../faults/types/latency.ts';
import { memoryLimitFault } from '../../faults/types/memory-limit.ts';
import { memoryPressureFault } from '../../faults/types/memory-pressure.ts';
import { partitionFault } from '../../faults/types/partition.ts';
import { stopFault } from '../../faults/types/stop.ts';
import { executeUndo } from '../../faults/undo-executor.ts';
import { silentLogger } from '../../runner/logger.ts';
import { SeededRandom } from '../../util/seeded-random.ts';
import type { DriverContext } from '../driver.ts';
import { describeWithDocker } from './describe-with-docker.ts';
import type { DockerEnvironment } from './docker-environment.ts';
import { DockerTestBed, request } from './test-support.ts';

const bed = new DockerTestBed();
const MIB = 1024 * 1024;

function faultContext(env: DockerEnvironment, ctx: DriverContext, injectionId: string): FaultContext {
  return { env, timeline: ctx.timeline, log: silentLogger, signal: ctx.signal, random: new SeededRandom(11).derive(injectionId), workDir: ctx.workDir, injectionId };
}

function replicaTarget(env: DockerEnvironment): Extract<FaultTarget, { kind: 'replica' }> {
  const r = env.processFaults.replicas('shop').filter((x) => x.serving && x.alive).sort((a, b) => a.id.localeCompare(b.id))[0]!;
  return { kind: 'replica', service: 'shop', replicaId: r.id, pid: r.pid, procStartTime: r.procStartTime };
}

async function upWithShop(label: string): Promise<{ env: DockerEnvironment; ctx: DriverContext; container: string }> {
  const up = await bed.up({ services: { shop: { replicas: 1, strategy: 'blue-green' } } }, label);
  await up.env.deploy('shop', bed.release('shopV1'));
  return { ...up, container: up.env.processFaults.replicas('shop')[0]!.containerId! };
}

async function upWithStock(label: string, faultProxy: 'host' | 'container' = 'host'): Promise<{ env: DockerEnvironment; ctx: DriverContext }> {
  const up = await bed.up({ services: { stock: { replicas: 1, strategy: 'blue-green' }, shop: { replicas: 1, strategy: 'blue-green', dependsOn: ['stock'] } }, faultProxy }, label);
  await up.env.deploy('stock', bed.release('stockV1'));
  await up.env.deploy('shop', bed.release('shopV1WithStock'));
  return up;
}

const inspect = async (id: string) => (await bed.engine.inspectContainer(id))!;
const status = (url: URL, path: string) => request(new URL(path, url), {}, 2000).then((a) => a.status, () => 0);

/** CPU seconds per second the container used over `ms`, from the engine's own accounting (docker stats). */
async function cpuRate(container: string, ms = 1000): Promise<number> {
  const sample = async () => ((await bed.engine.docker.getContainer(container).stats({ stream: false, 'one-shot': true } as never)) as unknown as { cpu_stats: { cpu_usage: { total_usage: number } } }).cpu_stats.cpu_usage.total_usage;
  const [a, t0] = [await sample(), performance.now()];
  await new Promise((resolve) => setTimeout(resolve, ms));
  const [b, t1] = [await sample(), performance.now()];
  return (b - a) / 1e6 / (t1 - t0);
}

/** The container's memory in MiB, page cache excluded (docker stats). */
async function memoryMb(container: string): Promise<number> {
  const stats = (await bed.engine.docker.getContainer(container).stats({ stream: false, 'one-shot': true } as never)) as unknown as { memory_stats: { usage: number; stats?: Record<string, number> } };
  const cache = stats.memory_stats.stats?.cache ?? stats.memory_stats.stats?.inactive_file ?? 0;
  return (stats.memory_stats.usage - cache) / MIB;
}

/** Command lines of the container's processes carrying a marker (docker top). */
async function marked(container: string, marker: string): Promise<string[]> {
  const top = (await bed.engine.docker.getContainer(container).top({ ps_args: '-eo pid,args' })) as { Processes?: string[][] };
  return (top.Processes ?? []).map((p) => p.join(' ')).filter((line) => line.includes(marker));
}

await describeWithDocker('docker driver: stop, disconnect, memory limit and in-container hogs', () => {
  beforeAll(() => bed.setup(['shopV1', 'shopV1WithStock', 'stockV1']), 120_000);
  afterEach(async () => expect(await bed.teardown()).toEqual([]));
  afterAll(() => bed.close());

  it('stop: docker stop for the duration (503 with its only replica down); the revert starts the same container, healthy, in the pool', async () => {
    const { env, ctx, container } = await upWithShop('stop');
    const target = replicaTarget(env);
    const injected = await stopFault.inject(target, stopFault.params.parse({ graceMs: 1000 }), faultContext(env, ctx, 's1'));
    expect(injected.detail).toMatch(/docker stop -t 1.*slot stays empty/);
    expect((await inspect(container)).State).toMatchObject({ Running: false });
    expect(await status(env.address('shop'), '/products')).toBe(503);
    expect(env.processFaults.replicas('shop')[0]).toMatchObject({ alive: false, serving: false });
    await Promise.all([injected.revert(), injected.revert()]);
    expect(env.processFaults.replicas('shop')[0]).toMatchObject({ id: target.replicaId, alive: true, serving: true, containerId: container });
    expect(await status(env.address('shop'), '/products')).toBe(200);
  });

  it('partition mode disconnect: the dependency leaves the network (every path to it fails); the revert reconnects it and re-routes its new published port; the journaled connect undo alone reconnects', async () => {
    const { env, ctx } = await upWithStock('disconnect', 'container');
    const link: FaultTarget = { kind: 'link', from: 'shop', to: 'stock' };
    const stock = env.processFaults.replicas('stock')[0]!.containerId!;
    const network = Object.keys((await inspect(stock)).NetworkSettings.Networks)[0]!;
    const fctx = faultContext(env, ctx, 'n1');
    const undo = partitionFault.plan(link, { mode: 'disconnect' }, fctx);
    expect(undo).toEqual([{ kind: 'docker', op: 'connect', container: stock, network, ipv4Address: expect.stringMatching(/^\d+\.\d+\.\d+\.\d+$/), engine: 'unix:///var/run/docker.sock' }]);

    const injected = await partitionFault.inject(link, { mode: 'disconnect' }, fctx);
    expect(injected.detail).toMatch(/stock disconnected from the run's network \(1 container/);
    expect((await inspect(stock)).NetworkSettings.Networks).toEqual({});
    expect(await status(env.address('shop'), '/products')).toBe(503);
    expect(await status(env.address('stock'), '/stock/p1')).not.toBe(200);
    await Promise.all([injected.revert(), injected.revert()]);
    expect(Object.keys((await inspect(stock)).NetworkSettings.Networks)).toEqual([network]);
    expect(await status(env.address('stock'), '/stock/p1')).toBe(200);
    expect(await status(env.address('shop'), '/products')).toBe(200);

    // As `drillbit clean` would after a SIGKILL: the undo records alone put the container back on its network.
    const again = await partitionFault.inject(link, { mode: 'disconnect' }, faultContext(env, ctx, 'n2'));
    for (const record of undo) await executeUndo(record);
    await executeUndo(undo[0]!); // idempotent
    expect((await inspect(stock)).NetworkSettings.Networks[network]?.IPAddress).toBe((undo[0] as { ipv4Address: string }).ipv4Address);
    await again.revert(); // the live run's part: the front proxy learns the new published port
    expect(await status(env.address('shop'), '/products')).toBe(200);
  });

  it('memory-limit: the limit is lowered for the duration and restored; with oom the engine reports State.OOMKilled and the revert brings the replica back; the update-memory undo alone restores it', async () => {
    const { env, ctx, container } = await upWithShop('memory');
    const hostMemory = ((await bed.engine.docker.info()) as { MemTotal: number }).MemTotal;
    const fctx = faultContext(env, ctx, 'm1');
    const undo = memoryLimitFault.plan(replicaTarget(env), memoryLimitFault.params.parse({ mb: 64 }), fctx);
    expect(undo).toEqual([{ kind: 'docker', op: 'update-memory', container, memoryBytes: 0, memorySwapBytes: 0, engine: 'unix:///var/run/docker.sock' }]);
    const limited = await memoryLimitFault.inject(replicaTarget(env), memoryLimitFault.params.parse({ mb: 64 }), fctx);
    expect((await inspect(container)).HostConfig).toMatchObject({ Memory: 64 * MIB, MemorySwap: 64 * MIB });
    for (const record of undo) await executeUndo(record);
    await executeUndo(undo[0]!);
    // The engine cannot unset a limit: "none" comes back as the engine's whole memory (twice that with swap).
    expect((await inspect(container)).HostConfig).toMatchObject({ Memory: hostMemory, MemorySwap: hostMemory * 2 });
    await limited.revert();

    const target = replicaTarget(env);
    const oom = await memoryLimitFault.inject(target, memoryLimitFault.params.parse({ mb: 48, oom: true }), faultContext(env, ctx, 'm2'));
    expect(oom.detail).toMatch(/OOM-killed under a 48 MiB limit/);
    expect((await inspect(container)).State).toMatchObject({ Running: false, OOMKilled: true, ExitCode: 137 });
    // The fault returns once the engine records the OOM kill; the replica's exit reaches the timeline from its own `docker wait`, a moment later.
    await expect.poll(() => ctx.timeline.events.find((e) => e.type === 'replica-exit' && e.replica === target.replicaId), { timeout: 5_000 }).toMatchObject({ signal: 'SIGKILL', message: expect.stringMatching(/out of memory/) });
    await expect.poll(() => status(env.address('shop'), '/products'), { timeout: 5_000 }).toBe(503);
    await oom.revert();
    expect((await inspect(container)).State).toMatchObject({ Running: true });
    expect((await inspect(container)).HostConfig).toMatchObject({ Memory: hostMemory, MemorySwap: hostMemory * 2 });
    expect(env.processFaults.replicas('shop')[0]).toMatchObject({ alive: true, serving: true, containerId: container });
    expect(await status(env.address('shop'), '/products')).toBe(200);
  });

  it("cpu-hog and memory-pressure run inside the container (docker exec): its own CPU and memory go up, and back down after the revert; the kill-exec undo alone ends them", async () => {
    const { env, ctx, container } = await upWithShop('hogs');
    const service: FaultTarget = { kind: 'service', service: 'shop' };
    const idle = await cpuRate(container);
    const hog = await cpuHogFault.inject(service, { workers: 1 }, faultContext(env, ctx, 'h1'));
    expect(hog.detail).toMatch(/1 busy worker inside shop's container [0-9a-f]{12} \(docker exec\)/);
    expect(await marked(container, 'drillbit-fault-h1')).toHaveLength(1);
    const busy = await cpuRate(container);
    // One spinning worker is a core's worth; on a loaded 2-core machine it gets less, but far more than an idle server.
    expect(busy, `container CPU with the hog (idle: ${idle.toFixed(2)})`).toBeGreaterThan(Math.max(0.3, idle + 0.25));
    await Promise.all([hog.revert(), hog.revert()]);
    expect(await marked(container, 'drillbit-fault-h1')).toEqual([]);
    expect(await cpuRate(container)).toBeLessThan(Math.min(0.2, busy / 2));

    const before = await memoryMb(container);
    const fctx = faultContext(env, ctx, 'h2');
    const undo = memoryPressureFault.plan(service, memoryPressureFault.params.parse({ mb: 128 }), fctx);
    expect(undo).toEqual([{ kind: 'docker', op: 'kill-exec', container, marker: 'drillbit-fault-h2', engine: 'unix:///var/run/docker.sock' }]);
    const held = await memoryPressureFault.inject(service, memoryPressureFault.params.parse({ mb: 128 }), fctx);
    expect(await memoryMb(container), `container memory with 128 MiB held (before: ${before.toFixed(0)} MiB)`).toBeGreaterThan(before + 110);
    for (const record of undo) await executeUndo(record);
    await executeUndo(undo[0]!);
    expect(await marked(container, 'drillbit-fault-h2')).toEqual([]);
    expect(await memoryMb(container)).toBeLessThan(before + 30);
    await held.revert();
    expect(await status(env.address('shop'), '/products')).toBe(200);
  });

  it('faultProxy container: the fault proxy runs on the run network, dependents reach it by name; latency and partition on shop->stock act through its admin API and go with their reverts; teardown removes it', async () => {
    const { env, ctx } = await upWithStock('proxy', 'container');
    const [proxy] = await bed.engine.docker.listContainers({ filters: { label: [`drillbit.run=${ctx.runId}`, 'drillbit.role=fault-proxy'] } });
    expect(proxy?.Names[0]).toMatch(/-fault-proxy$/);
    const shopEnv = (await inspect(env.processFaults.replicas('shop')[0]!.containerId!)).Config.Env ?? [];
    expect(shopEnv).toContain(`STOCK_URL=http://${proxy!.Names[0]!.slice(1)}:10000`);
    const link: FaultTarget = { kind: 'link', from: 'shop', to: 'stock' };
    const timed = async () => {
      const started = performance.now();
      expect(await status(env.address('shop'), '/products')).toBe(200);
      return performance.now() - started;
    };
    await timed();
    const slow = await latencyFault.inject(link, latencyFault.params.parse({ latency: 400 }), faultContext(env, ctx, 'l1'));
    expect(await timed()).toBeGreaterThanOrEqual(380);
    await Promise.all([slow.revert(), slow.revert()]);
    expect(await timed()).toBeLessThan(300);
    const cut = await partitionFault.inject(link, { mode: 'refuse' }, faultContext(env, ctx, 'l2'));
    expect(await status(env.address('shop'), '/products')).toBe(503);
    expect(await status(env.address('stock'), '/stock/p1')).toBe(200); // only the link is cut
    await cut.revert();
    expect(await status(env.address('shop'), '/products')).toBe(200);
    expect(await ctx.teardown.runAll()).toEqual([]);
    expect(await bed.engine.inspectContainer(proxy!.Id)).toBeUndefined();
  });
});
