import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { executeUndo } from '../../faults/undo-executor.ts';
import type { FaultContext, FaultTarget } from '../../faults/fault-type.ts';
import { crashLoopFault } from '../../faults/types/crash-loop.ts';
import { dependencyOutageFault } from '../../faults/types/dependency-outage.ts';
import { diskFillFault } from '../../faults/types/disk-fill.ts';
import { killFault } from '../../faults/types/kill.ts';
import { pauseFault } from '../../faults/types/pause.ts';
import { restartFault } from '../../faults/types/restart.ts';
import { silentLogger } from '../../runner/logger.ts';
import { SeededRandom } from '../../util/seeded-random.ts';
import type { DriverContext } from '../driver.ts';
import { describeWithDocker } from './describe-with-docker.ts';
import type { DockerEnvironment } from './docker-environment.ts';
import { DockerTestBed, request } from './test-support.ts';

const bed = new DockerTestBed();

function faultContext(env: DockerEnvironment, ctx: DriverContext, injectionId: string): FaultContext {
  return { env, timeline: ctx.timeline, log: silentLogger, signal: ctx.signal, random: new SeededRandom(7).derive(injectionId), workDir: ctx.workDir, injectionId };
}

/** The i-th serving replica as the fault runner resolves it. */
function replicaTarget(env: DockerEnvironment, index = 0): Extract<FaultTarget, { kind: 'replica' }> {
  const serving = env.processFaults.replicas('shop').filter((r) => r.serving && r.alive).sort((a, b) => a.id.localeCompare(b.id));
  const r = serving[index]!;
  return { kind: 'replica', service: 'shop', replicaId: r.id, pid: r.pid, procStartTime: r.procStartTime };
}

async function upWithShop(label: string, replicas = 2): Promise<{ env: DockerEnvironment; ctx: DriverContext }> {
  const up = await bed.up({ services: { shop: { replicas, strategy: 'blue-green' } } }, label);
  await up.env.deploy('shop', bed.release('shopV1'));
  return up;
}

const containerState = async (id: string) => (await bed.engine.inspectContainer(id))?.State;

await describeWithDocker('docker driver: container faults through the engine', () => {
  beforeAll(() => bed.setup(['shopV1']), 60_000);
  afterEach(async () => expect(await bed.teardown()).toEqual([]));
  afterAll(() => bed.close());

  it('kill: SIGKILL through the engine (the container stops, out of the pool); the revert starts the same container again', async () => {
    const { env, ctx } = await upWithShop('kill');
    const target = replicaTarget(env);
    const containerId = env.processFaults.replicas('shop').find((r) => r.id === target.replicaId)!.containerId!;
    const fctx = faultContext(env, ctx, 'k1');
    const injected = await killFault.inject(target, killFault.params.parse({}), fctx);
    expect(injected.detail).toMatch(/SIGKILL through the engine/);
    expect(await containerState(containerId)).toMatchObject({ Running: false, ExitCode: 137 });
    const dead = (await env.observe()).shop!.replicas.find((r) => r.id === target.replicaId)!;
    expect(dead).toMatchObject({ healthy: false, serving: false });
    expect(dead.digest).toBeUndefined();
    expect((await request(new URL('/products', env.address('shop')))).status).toBe(200); // the other replica serves
    expect(ctx.timeline.events.find((e) => e.type === 'replica-exit' && e.replica === target.replicaId)).toMatchObject({ signal: 'SIGKILL', phase: 'running' });

    await Promise.all([injected.revert(), injected.revert()]);
    const slot = env.processFaults.replicas('shop').find((r) => r.id === target.replicaId)!;
    expect(slot).toMatchObject({ alive: true, serving: true, containerId });
    expect(slot.pid).not.toBe(target.pid);
    expect(await containerState(containerId)).toMatchObject({ Running: true });
    expect((await env.observe()).shop!.replicas.map((r) => [r.digest, r.healthy, r.serving])).toEqual([
      [bed.release('shopV1').digest, true, true],
      [bed.release('shopV1').digest, true, true],
    ]);
  });

  it('pause: docker pause, journaled as an unpause undo that alone (as drillbit clean replays it) thaws the container; the revert unpauses', async () => {
    const { env, ctx } = await upWithShop('pause', 1);
    const target = replicaTarget(env);
    const containerId = env.processFaults.replicas('shop')[0]!.containerId!;
    const fctx = faultContext(env, ctx, 'p1');
    const undo = pauseFault.plan(target, {}, fctx);
    expect(undo).toEqual([{ kind: 'docker', op: 'unpause', container: containerId, engine: 'unix:///var/run/docker.sock' }]);

    const injected = await pauseFault.inject(target, {}, fctx);
    expect(injected.detail).toMatch(/docker pause/);
    expect(await containerState(containerId)).toMatchObject({ Paused: true });
    await expect(request(new URL('/products', env.address('shop')), {}, 300)).rejects.toThrow();
    expect((await env.observe()).shop!.replicas[0]).toMatchObject({ healthy: false, serving: true });
    for (const record of undo) await executeUndo(record);
    await executeUndo(undo[0]!); // idempotent
    expect(await containerState(containerId)).toMatchObject({ Paused: false, Running: true });
    expect((await request(new URL('/products', env.address('shop')))).status).toBe(200);

    const again = await pauseFault.inject(target, {}, faultContext(env, ctx, 'p2'));
    expect(await containerState(containerId)).toMatchObject({ Paused: true });
    await again.revert();
    await again.revert();
    expect(await containerState(containerId)).toMatchObject({ Paused: false });
    expect((await request(new URL('/products', env.address('shop')))).status).toBe(200);
  });

  it('restart: docker stop with the grace, then the same container starts again, healthy, in its slot', async () => {
    const { env, ctx } = await upWithShop('restart', 1);
    const target = replicaTarget(env);
    const containerId = env.processFaults.replicas('shop')[0]!.containerId!;
    const injected = await restartFault.inject(target, restartFault.params.parse({ graceMs: 1000 }), faultContext(env, ctx, 'r1'));
    expect(injected.detail).toMatch(/docker stop -t 1, started again\), replaced by pid \d+/);
    const next = env.processFaults.replicas('shop')[0]!;
    expect(next).toMatchObject({ id: target.replicaId, alive: true, serving: true, containerId });
    expect(next.pid).not.toBe(target.pid);
    expect(ctx.timeline.events.find((e) => e.type === 'replica-exit' && e.pid === target.pid)).toMatchObject({ code: 0, replica: target.replicaId });
    expect((await request(new URL('/products', env.address('shop')))).status).toBe(200);
    await injected.revert();
    expect(env.processFaults.replicas('shop')[0]!.pid).toBe(next.pid);
  });

  it('crash-loop: kills the container again after each restart until the revert, which leaves it running', async () => {
    const { env, ctx } = await upWithShop('crashloop', 1);
    const target = replicaTarget(env);
    const injected = await crashLoopFault.inject(target, crashLoopFault.params.parse({ intervalMs: 200 }), faultContext(env, ctx, 'c1'));
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await injected.revert();
    const kills = ctx.timeline.events.filter((e) => e.type === 'replica-exit' && e.replica === target.replicaId && e.signal === 'SIGKILL');
    expect(kills.length).toBeGreaterThanOrEqual(2);
    expect(env.processFaults.replicas('shop')[0]).toMatchObject({ alive: true, serving: true });
    expect((await request(new URL('/products', env.address('shop')))).status).toBe(200);
  });

  it("a container undo record is carried out through the engine and is idempotent (as drillbit clean replays it)", async () => {
    const base = (await bed.engine.inspectImage(bed.release('shopV1').image!.id))!.Config.Labels!['drillbit.base']!;
    const ctx = bed.context('undo');
    const container = await bed.engine.docker.createContainer({ Image: base, Cmd: ['sleep', '30'], Labels: { 'drillbit.run': ctx.runId }, HostConfig: { Init: true } });
    await container.start();
    await executeUndo({ kind: 'docker', op: 'remove-container', container: container.id });
    expect(await bed.engine.inspectContainer(container.id)).toBeUndefined();
    await executeUndo({ kind: 'docker', op: 'remove-container', container: container.id });
    await executeUndo({ kind: 'docker', op: 'unpause', container: container.id, engine: 'unix:///var/run/docker.sock' });
  });

  it('disk-fill writes into the volume on the host; dependency-outage stops every container (503) and starts the release again', async () => {
    const { env, ctx } = await upWithShop('service-faults', 1);
    const service: FaultTarget = { kind: 'service', service: 'shop' };
    const fill = await diskFillFault.inject(service, diskFillFault.params.parse({ mb: 1, reserveMb: 64 }), faultContext(env, ctx, 'd1'));
    const file = join(env.processFaults.dataDir('shop'), '.drillbit-fill-d1');
    expect(existsSync(file)).toBe(true);
    await fill.revert();
    expect(existsSync(file)).toBe(false);

    const outage = await dependencyOutageFault.inject(service, {}, faultContext(env, ctx, 'o1'));
    expect((await request(new URL('/products', env.address('shop')))).status).toBe(503);
    expect(await bed.engine.docker.listContainers({ filters: { label: [`drillbit.run=${ctx.runId}`] } })).toEqual([]);
    await outage.revert();
    expect((await request(new URL('/products', env.address('shop')))).status).toBe(200);
  });
});
