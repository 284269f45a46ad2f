import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { DeployRejectedError } from '../deploy-rejected-error.ts';
import { describeWithDocker } from './describe-with-docker.ts';
import { DockerTestBed, request, servingContainers } from './test-support.ts';

const bed = new DockerTestBed();

await describeWithDocker('docker driver: deploy, rollback, observe, data, dependencies, down', () => {
  beforeAll(() => bed.setup(['shopV1', 'shopV2', 'shopV2Crash', 'shopV1WithStock', 'stockV1']), 60_000);
  afterEach(async () => expect(await bed.teardown()).toEqual([]));
  afterAll(() => bed.close());

  it('deploys v1 behind the address; blue/green to v2; rollback to the warm v1 is a switch to the same containers; a crashing release is rejected with its last log lines and v1 keeps serving', async () => {
    const [v1, v2, crash] = [bed.release('shopV1'), bed.release('shopV2'), bed.release('shopV2Crash')];
    const { env } = await bed.up({ services: { shop: { replicas: 2, strategy: 'blue-green' } } }, 'bluegreen');
    await env.deploy('shop', v1);
    const first = await request(new URL('/products', env.address('shop')));
    expect(first.status).toBe(200);
    expect(first.headers.get('x-drillbit-release')).toBe(v1.digest);
    const v1Containers = servingContainers(env, 'shop');
    expect(v1Containers).toHaveLength(2);

    await env.deploy('shop', v2);
    expect((await request(new URL('/products', env.address('shop')))).headers.get('x-drillbit-release')).toBe(v2.digest);
    const warm = env.processFaults.replicas('shop').filter((r) => !r.serving);
    expect(warm.map((r) => r.containerId).sort()).toEqual(v1Containers);

    await env.rollback('shop', v1);
    expect(servingContainers(env, 'shop')).toEqual(v1Containers);
    expect((await request(new URL('/products', env.address('shop')))).headers.get('x-drillbit-release')).toBe(v1.digest);

    const rejected = await env.deploy('shop', crash).catch((error: unknown) => error);
    expect(rejected).toBeInstanceOf(DeployRejectedError);
    expect((rejected as Error).message).toMatch(/rejected: replica shop-g3-\d \(container [0-9a-f]{12}\) exited with code 1 before becoming healthy: .+/);
    expect(servingContainers(env, 'shop')).toEqual(v1Containers);
    expect((await request(new URL('/products', env.address('shop')))).headers.get('x-drillbit-release')).toBe(v1.digest);
    const names = (await bed.engine.docker.listContainers({ all: true, filters: { label: [`drillbit.release.digest=${crash.digest}`] } })).map((c) => c.Names[0]);
    expect(names).toEqual([]); // a rejected release's containers are removed
  });

  it('observe() reads the digest from the image each container runs and the config digest from its Cmd and Env', async () => {
    const [v1, v2] = [bed.release('shopV1'), bed.release('shopV2')];
    const { env } = await bed.up({ services: { shop: { replicas: 1, strategy: 'recreate' } } }, 'observe');
    await env.deploy('shop', v1);
    const observed = (await env.observe()).shop!.replicas;
    expect(observed).toEqual([expect.objectContaining({ digest: v1.digest, configDigest: v1.configDigest, healthy: true, serving: true })]);
    expect(observed[0]!.pid).toBeGreaterThan(0);
    expect((await request(new URL('/healthz', observed[0]!.address))).status).toBe(200);

    // A release that claims v1's digest but whose image is v2's: observe reports what runs, not what was meant.
    const lying = { ...v1, name: 'lying', image: v2.image };
    await env.deploy('shop', lying);
    const [replica] = (await env.observe()).shop!.replicas;
    expect(replica!.digest).toBe(v2.digest);
    expect(replica!.digest).not.toBe(v1.digest);
  });

  it('keeps the service volume across deploys and rollbacks: an order written on v1 is read back after v2 and the rollback', async () => {
    const [v1, v2] = [bed.release('shopV1'), bed.release('shopV2')];
    const { env } = await bed.up({ services: { shop: { replicas: 1, strategy: 'blue-green' } } }, 'data');
    await env.deploy('shop', v1);
    const order = { id: `o-${Date.now()}` };
    const created = await request(new URL('/orders', env.address('shop')), { method: 'POST', body: JSON.stringify(order), headers: { 'content-type': 'application/json' } });
    expect(created.status).toBe(201);
    await env.deploy('shop', v2);
    expect((await request(new URL(`/orders/${order.id}`, env.address('shop')))).status).toBe(200);
    await env.rollback('shop', v1);
    const back = await request(new URL(`/orders/${order.id}`, env.address('shop')));
    expect(back.status).toBe(200);
    expect(back.headers.get('x-drillbit-release')).toBe(v1.digest);
    expect(env.processFaults.dataDir('shop')).toMatch(/\/_data$/);
  });

  it('reaches a dependency through {url:stock}: the link proxy on the network gateway', async () => {
    const [stock, shop] = [bed.release('stockV1'), bed.release('shopV1WithStock')];
    const { env } = await bed.up({ services: { stock: { replicas: 1, strategy: 'blue-green' }, shop: { replicas: 1, strategy: 'blue-green', dependsOn: ['stock'] } }, links: [{ from: 'shop', to: 'stock' }] }, 'deps');
    await env.deploy('stock', stock);
    await env.deploy('shop', shop);
    const products = await request(new URL('/products', env.address('shop')));
    expect(products.status).toBe(200);
    expect((JSON.parse(products.body) as { available?: number }[]).every((p) => typeof p.available === 'number')).toBe(true);
    // A partition on the link shows as the shop's 503s; healing it brings the answers back.
    const link = env.networkFaults.link('shop', 'stock')!;
    await link.setEnabled(false);
    expect((await request(new URL('/products', env.address('shop')))).status).toBe(503);
    await link.setEnabled(true);
    expect((await request(new URL('/products', env.address('shop')))).status).toBe(200);
  });

  it('down() removes every container, the network and the volumes, and is idempotent', async () => {
    const { env, ctx } = await bed.up({ services: { shop: { replicas: 2, strategy: 'blue-green' } } }, 'down');
    await env.deploy('shop', bed.release('shopV1'));
    await env.deploy('shop', bed.release('shopV2'));
    const before = await bed.engine.docker.listContainers({ all: true, filters: { label: [`drillbit.run=${ctx.runId}`] } });
    expect(before).toHaveLength(4);
    expect(await ctx.teardown.runAll()).toEqual([]); // what a drill's end runs; it takes env.down() with it
    await Promise.all([env.down(), env.down()]);
    expect(ctx.timeline.events.filter((e) => e.type === 'replica-exit')).toEqual([]); // removal is not a crash
    const filters = { label: [`drillbit.run=${ctx.runId}`] };
    expect(await bed.engine.docker.listContainers({ all: true, filters })).toEqual([]);
    expect(await bed.engine.docker.listNetworks({ filters })).toEqual([]);
    expect((await bed.engine.docker.listVolumes({ filters })).Volumes ?? []).toEqual([]);
    await expect(env.deploy('shop', bed.release('shopV1'))).rejects.toThrow(/down/);
  });
});
