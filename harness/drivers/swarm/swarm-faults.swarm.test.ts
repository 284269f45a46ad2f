import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { faultTypes } from '../../faults/fault-registry.ts';
import type { FaultContext, FaultType } from '../../faults/fault-type.ts';
import { executeUndo } from '../../faults/undo-executor.ts';
import { removeReadOnlyTree } from '../../release/release-store.ts';
import { silentLogger } from '../../runner/logger.ts';
import { TeardownStack } from '../../runner/teardown-stack.ts';
import { Timeline } from '../../runner/timeline.ts';
import { SeededRandom } from '../../util/seeded-random.ts';
import type { DriverContext, ResolvedRelease } from '../driver.ts';
import { DockerEngine } from '../docker/docker-engine.ts';
import { LABELS } from '../docker/docker-names.ts';
import { listLabelled } from '../docker/labelled-resources.ts';
import { PROJECT_ROOT, request } from '../docker/test-support.ts';
import { describeWithSwarm } from './describe-with-swarm.ts';
import { listLabelledServices } from './labelled-services.ts';
import { SwarmDriver } from './swarm-driver.ts';
import type { SwarmEnvironment } from './swarm-environment.ts';

const engine = DockerEngine.at();
let root = '';
let driver: SwarmDriver;
let v1: ResolvedRelease;
const contexts: DriverContext[] = [];

async function upShop(label: string, replicas = 2): Promise<{ env: SwarmEnvironment; ctx: DriverContext }> {
  const runId = `test-swarm-${process.pid}-${Date.now().toString(36)}-${label}`;
  const ctx: DriverContext = { runId, workDir: join(root, 'work', runId), timeline: new Timeline(), teardown: new TeardownStack(), log: silentLogger, signal: new AbortController().signal };
  contexts.push(ctx);
  const env = await driver.up({ services: { shop: { replicas, strategy: 'blue-green' } } }, ctx);
  await env.deploy('shop', v1);
  return { env, ctx };
}

function faultContext(env: SwarmEnvironment, ctx: DriverContext, id: string): FaultContext {
  return { env, timeline: ctx.timeline, log: silentLogger, signal: ctx.signal, random: new SeededRandom(1).derive(id), workDir: ctx.workDir, injectionId: id };
}

const running = (env: SwarmEnvironment) => env.state('shop').tasks.running.length;
const nodeAvailability = async (node: string) => ((await engine.docker.getNode(node).inspect()) as { Spec: { Availability: string } }).Spec.Availability;

await describeWithSwarm('swarm driver: orchestrator faults (drain-node, scale-down) on a real swarm', () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'drillbit-swarm-'));
    driver = new SwarmDriver();
    v1 = await driver.resolveRelease('shop', 'v1', resolve(PROJECT_ROOT, 'fixtures/shop/v1'), PROJECT_ROOT, { storeDir: join(root, 'store') });
  }, 180_000);
  afterEach(async () => {
    const left: string[] = [];
    for (const ctx of contexts.splice(0)) {
      await ctx.teardown.runAll();
      left.push(...(await listLabelledServices(engine, LABELS.run, ctx.runId)), ...(await listLabelled(engine, LABELS.run, ctx.runId)));
    }
    expect(left).toEqual([]);
  }, 60_000);
  afterAll(async () => {
    await removeReadOnlyTree(join(root, 'store')).catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  });

  it('drain-node: its undo (planned first) names the node; drained, no task runs and the address answers 503; the revert makes it active and both tasks serve again; the undo alone does too', { timeout: 120_000 }, async () => {
    const { env, ctx } = await upShop('drain');
    const type = faultTypes['drain-node'] as FaultType<unknown>;
    const fctx = faultContext(env, ctx, 'drain-1');
    const [undo] = type.plan({ kind: 'service', service: 'shop' }, {}, fctx);
    expect(undo).toMatchObject({ kind: 'swarm', op: 'node-availability', availability: 'active' });
    const node = (undo as { node: string }).node;
    ctx.teardown.defer('node active again', () => executeUndo(undo!)); // never leave the shared engine's node drained
    const injected = await type.inject({ kind: 'service', service: 'shop' }, {}, fctx);
    expect(await nodeAvailability(node)).toBe('drain');
    expect(running(env)).toBe(0);
    expect((await request(new URL('/products', env.address('shop')), {}, 2000)).status).toBe(503);
    await injected.revert();
    await injected.revert();
    expect(await nodeAvailability(node)).toBe('active');
    expect(running(env)).toBe(2);
    expect((await request(new URL('/products', env.address('shop')))).status).toBe(200);

    // The journaled undo alone (what `drillbit clean` replays after a SIGKILL).
    await engine.docker.getNode(node).inspect().then((info: { Version: { Index: number }; Spec: object }) => engine.docker.getNode(node).update({ _query: { version: info.Version.Index }, _body: { ...info.Spec, Availability: 'drain' } } as never));
    expect(await nodeAvailability(node)).toBe('drain');
    await executeUndo(undo!);
    await executeUndo(undo!);
    expect(await nodeAvailability(node)).toBe('active');
  });

  it('scale-down: 2 tasks become 1 (LKG equality fails on the count), the revert scales back to 2; the undo alone scales back too', { timeout: 120_000 }, async () => {
    const { env, ctx } = await upShop('scale');
    const type = faultTypes['scale-down'] as FaultType<unknown>;
    const fctx = faultContext(env, ctx, 'scale-1');
    const params = type.params.parse({ replicas: 1 });
    const [undo] = type.plan({ kind: 'service', service: 'shop' }, params, fctx);
    expect(undo).toMatchObject({ kind: 'swarm', op: 'scale-service', replicas: 2, service: env.state('shop').swarmName });
    const injected = await type.inject({ kind: 'service', service: 'shop' }, params, fctx);
    expect(running(env)).toBe(1);
    const observed = (await env.observe()).shop!.replicas.filter((r) => r.serving);
    expect(observed).toHaveLength(1);
    await injected.revert();
    expect(running(env)).toBe(2);
    expect((await request(new URL('/products', env.address('shop')))).status).toBe(200);

    await env.orchestratorFaults.scaleService('shop', 1);
    await executeUndo(undo!);
    await env.waitForTasks(env.state('shop'), '2 tasks', (t) => t.running.length === 2, 30_000);
    expect(running(env)).toBe(2);
  });
});
