import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DeployRejectedError } from '../../harness/drivers/deploy-rejected-error.ts';
import { CLIENT } from '../../harness/drivers/driver.ts';
import { ConformanceHarness, shopSpec, shopWithStockSpec, type DriverConformanceOptions, type Fixture, type KnownDeviation } from './conformance-harness.ts';
import { connectOutcome, expectObservedOn, expectServes, lkgComparison, send, statusOf, timed } from './conformance-probes.ts';
import { describeFaultConformance } from './fault-conformance.ts';
import { startExternalStock } from '../external-stock.ts';

export type { DriverConformanceOptions, KnownDeviation } from './conformance-harness.ts';

/**
 * The one contract every driver must pass (STYLE.md habit 2; DESIGN.md §3 "Driver"): real
 * fixture bundles, only the Driver / StartedEnvironment / fault-surface interfaces, every
 * environment torn down and checked for leftovers after its test.
 */
export function describeDriverConformance(options: DriverConformanceOptions): void {
  describe(`driver conformance: ${options.name}`, async () => {
    let skipReason: string | undefined;
    try {
      skipReason = await options.available?.();
    } catch (error) {
      it(`${options.name} is available`, () => {
        throw error;
      });
      return;
    }
    const register = () => {
      const h = new ConformanceHarness(options);
      beforeAll(() => h.setup(), h.ms(120_000));
      afterEach(() => h.cleanUpRuns(), h.ms(30_000));
      afterAll(() => h.dispose(), h.ms(30_000));
      describeDeployAndRollback(h);
      describeDependenciesCleanupAndParallelRuns(h);
      describeFaultConformance(h);
    };
    // Skipped tests are still listed, under the reason, so a report shows what did not run and why.
    if (skipReason === undefined) register();
    else describe.skip(`skipped: ${skipReason}`, register);
  });
}

function describeDeployAndRollback(h: ConformanceHarness): void {
  const timeout = h.ms(20_000);
  const v1 = () => h.release('shopV1');
  const v2 = () => h.release('shopV2');

  it('deploy: requests through address() reach the release; observe() shows every serving replica on its digest, healthy, as many as asked', async () => {
    const { env } = await h.up(shopSpec(2), 'deploy');
    await env.deploy('shop', v1());
    expect(env.address('shop').href, 'address() is stable').toBe(env.address('shop').href);
    await expectServes(env.address('shop'), v1());
    await expectServes(env.address('shop'), v1(), '/healthz', 2);
    await expectObservedOn(env, 'shop', v1(), 2);
  }, timeout);

  for (const strategy of ['blue-green', 'recreate'] as const) {
    it(`${strategy}: deploy v2, then roll back to v1: traffic and observe() back on v1${strategy === 'blue-green' ? '; the rollback to the warm release is much faster than the deploy' : ''}`, async ({ annotate }) => {
      const { env } = await h.up(shopSpec(2, strategy), `rollback-${strategy}`);
      const address = env.address('shop');
      await env.deploy('shop', v1());
      const deployMs = await timed(() => env.deploy('shop', v2()));
      await expectServes(address, v2());
      await expectObservedOn(env, 'shop', v2(), 2);
      const rollbackMs = await timed(() => env.rollback('shop', v1()));
      expect(env.address('shop').href, 'the address survives deploys and rollbacks').toBe(address.href);
      await expectServes(address, v1());
      await expectObservedOn(env, 'shop', v1(), 2);
      await annotate(`${strategy}: deploy of v2 ${deployMs.toFixed(0)} ms, rollback to v1 ${rollbackMs.toFixed(0)} ms (ratio ${(rollbackMs / deployMs).toFixed(3)})`);
      const slowRollback = h.options.knownDeviations?.['rollback-to-warm-is-fast'];
      if (strategy === 'blue-green' && slowRollback) await annotate(`known deviation of ${h.options.name}, timing not asserted: ${slowRollback}`);
      else if (strategy === 'blue-green') expect(rollbackMs / deployMs, `rollback ${rollbackMs.toFixed(0)} ms vs deploy ${deployMs.toFixed(0)} ms`).toBeLessThan(0.5);
    }, timeout);
  }

  it('LKG equality is measured: v2 serving does not match the LKG v1; after the rollback it does', async () => {
    const { env } = await h.up(shopSpec(2), 'lkg');
    const lkg = { shop: v1() };
    await env.deploy('shop', v1());
    expect((await lkgComparison(env, lkg, { shop: 2 })).shop).toMatchObject({ match: true, observed: v1().digest });
    await env.deploy('shop', v2());
    expect((await lkgComparison(env, lkg, { shop: 2 })).shop).toMatchObject({ match: false, expected: v1().digest, observed: v2().digest });
    await env.rollback('shop', v1());
    expect((await lkgComparison(env, lkg, { shop: 2 })).shop).toMatchObject({ match: true, observed: v1().digest });
  }, timeout);

  const rejected: [Fixture, string][] = [['shopV2Crash', 'crashes on boot'], ['shopV2Unhealthy', 'never gets healthy']];
  for (const [fixture, what] of rejected) {
    it(`a release that ${what} is rejected with DeployRejectedError; the previous release keeps serving and nothing of the rejected one runs`, async () => {
      const { env } = await h.up(shopSpec(2), `rejected-${fixture}`);
      await env.deploy('shop', v1());
      const error = await env.deploy('shop', h.release(fixture)).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(DeployRejectedError);
      await expectServes(env.address('shop'), v1());
      await expectObservedOn(env, 'shop', v1(), 2);
      const leftOfRejected = (await env.observe()).shop?.replicas.filter((r) => r.digest === h.release(fixture).digest) ?? [];
      expect(leftOfRejected, 'replicas of the rejected release').toEqual([]);
    }, timeout);
  }

  it('recreate: a release that crashes on boot is rejected with DeployRejectedError, nothing of it runs, and rollback() to v1 serves v1 again', async () => {
    const { env } = await h.up(shopSpec(2, 'recreate'), 'rejected-recreate');
    await env.deploy('shop', v1());
    const error = await env.deploy('shop', h.release('shopV2Crash')).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(DeployRejectedError);
    const leftOfRejected = (await env.observe()).shop?.replicas.filter((r) => r.digest === h.release('shopV2Crash').digest) ?? [];
    expect(leftOfRejected, 'replicas of the rejected release').toEqual([]);
    await env.rollback('shop', v1());
    await expectServes(env.address('shop'), v1());
    await expectObservedOn(env, 'shop', v1(), 2);
  }, timeout);

  for (const strategy of ['blue-green', 'recreate'] as const) {
    it(`${strategy}: data persists: orders acknowledged on v1 and on v2 are readable after deploy and rollback`, async () => {
      const { env } = await h.up(shopSpec(2, strategy), `data-${strategy}`);
      const shop = env.address('shop');
      const order = (id: string) => send(shop, '/orders', { method: 'POST', body: { id } });
      await env.deploy('shop', v1());
      expect((await order('conformance-on-v1')).status, 'POST /orders on v1').toBe(201);
      await env.deploy('shop', v2());
      expect((await send(shop, '/orders/conformance-on-v1')).status, 'the v1 order on v2').toBe(200);
      expect((await order('conformance-on-v2')).status, 'POST /orders on v2').toBe(201);
      await env.rollback('shop', v1());
      await expectServes(shop, v1());
      for (const id of ['conformance-on-v1', 'conformance-on-v2']) {
        expect(await send(shop, `/orders/${id}`), `GET /orders/${id} after the rollback`).toMatchObject({ status: 200, release: v1().digest });
      }
    }, timeout);
  }
}

function describeDependenciesCleanupAndParallelRuns(h: ConformanceHarness): void {
  const timeout = h.ms(20_000);

  it('dependencies: shop (dependsOn stock, through the shop->stock link) serves /products with availability from stock, and the call goes through the link', async () => {
    const { env } = await h.up(shopWithStockSpec(), 'dependencies');
    const [shop, stock] = [h.release('shopV1WithStock'), h.release('stockV1')];
    await env.deploy('stock', stock);
    await env.deploy('shop', shop);
    await expectServes(env.address('shop'), shop);
    const products = JSON.parse((await send(env.address('shop'), '/products')).body) as { id: string; available?: unknown }[];
    expect(products.length).toBeGreaterThan(0);
    expect(products.every((p) => typeof p.available === 'number'), 'every product carries stock availability').toBe(true);
    await expectServes(env.address('stock'), stock, '/stock/p1', 2);
    await expectObservedOn(env, 'shop', shop, 1);
    await expectObservedOn(env, 'stock', stock, 1);
    // README "Dependencies and links": a dependsOn edge goes through a fault proxy of the run, the link shop->stock.
    const link = env.networkFaults?.link('shop', 'stock');
    expect(link, 'shop reaches stock through the link shop->stock').toBeDefined();
    expect(env.networkFaults!.inboundLinks('stock')).toEqual([{ from: 'shop', to: 'stock' }]);
    await link!.setEnabled(false);
    expect((await send(env.address('shop'), '/products')).status, 'shop calls stock through the link: its partition is a 503').toBe(503);
    await link!.setEnabled(true);
    expect((await send(env.address('shop'), '/products')).status).toBe(200);
  }, timeout);

  it('external dependency: shop reaches a stock no driver runs (on the host’s loopback) through its shop->stock link; a partition there is a 503; observe() and down() leave the stock alone', async () => {
    const stock = await startExternalStock();
    try {
      const { env } = await h.up({ services: { shop: { replicas: 1, strategy: 'blue-green', dependsOn: ['stock'] } }, external: { stock: stock.address } }, 'external');
      const shop = h.release('shopV1WithStock');
      await env.deploy('shop', shop);
      const products = JSON.parse((await send(env.address('shop'), '/products')).body) as { available?: unknown }[];
      expect(products.length).toBeGreaterThan(0);
      expect(products.every((p) => typeof p.available === 'number'), 'every product carries availability from the external stock').toBe(true);
      expect(Object.keys(await env.observe()), 'only the services the drill runs are observed').toEqual(['shop']);

      const link = env.networkFaults?.link('shop', 'stock');
      expect(link, 'the external dependency is reached through a link proxy of the run').toBeDefined();
      expect(env.networkFaults!.inboundLinks('stock')).toEqual([{ from: 'shop', to: 'stock' }]);
      await link!.setEnabled(false);
      expect((await send(env.address('shop'), '/products')).status, 'the partition acts on the path to the external stock').toBe(503);
      await link!.setEnabled(true);
      expect((await send(env.address('shop'), '/products')).status).toBe(200);

      await env.down();
      expect(await stock.answers(), 'down() leaves the external dependency running').toBe(true);
    } finally {
      await stock.stop();
    }
  }, timeout);

  it('cleanup leaves nothing: down() (twice, and concurrently) then the teardown stack; the addresses stop answering', async () => {
    const run = await h.up(shopWithStockSpec(), 'cleanup');
    const { env, ctx } = run;
    await env.deploy('stock', h.release('stockV1'));
    await env.deploy('shop', h.release('shopV1WithStock'));
    await env.deploy('shop', h.release('shopV2'));
    const addresses = [env.address('shop'), env.address('stock')];
    expect(await h.options.leftovers(ctx.runId, ctx.workDir), 'the leftover probe sees the running environment').not.toEqual([]);

    await Promise.all([env.down(), env.down()]);
    await env.down();
    expect(await h.options.leftovers(ctx.runId, ctx.workDir), 'left after down()').toEqual([]);
    for (const address of addresses) expect(await statusOf(address, '/healthz', 1000), `${address.href} after down()`).not.toBe(200);
    expect(await ctx.teardown.runAll(), 'teardown failures').toEqual([]);
    expect(await h.options.leftovers(ctx.runId, ctx.workDir), 'left after the teardown stack').toEqual([]);
  }, timeout);

  expectedToPass(h, 'down-closes-every-address', 'down() closes every address it served, link proxies included: connections are refused before the teardown stack runs', async () => {
    const spec = shopWithStockSpec();
    const { env } = await h.up({ ...spec, links: [...(spec.links ?? []), { from: CLIENT, to: 'shop' }] }, 'down-addresses');
    await env.deploy('stock', h.release('stockV1'));
    await env.deploy('shop', h.release('shopV1WithStock'));
    await expectServes(env.address('shop'), h.release('shopV1WithStock'));
    const addresses = { shop: env.address('shop'), stock: env.address('stock') };
    await env.down();
    const outcomes = Object.fromEntries(await Promise.all(Object.entries(addresses).map(async ([service, url]) => [`${service} ${url.host}`, await connectOutcome(url)])));
    expect(outcomes).toEqual(Object.fromEntries(Object.entries(addresses).map(([service, url]) => [`${service} ${url.host}`, 'ECONNREFUSED'])));
  }, timeout);

  it('cleanup leaves nothing when only the teardown stack runs (a drill that failed before down())', async () => {
    const { env, ctx } = await h.up(shopSpec(2), 'teardown-only');
    await env.deploy('shop', h.release('shopV1'));
    await env.deploy('shop', h.release('shopV2'));
    expect(await ctx.teardown.runAll(), 'teardown failures').toEqual([]);
    expect(await h.options.leftovers(ctx.runId, ctx.workDir), 'left after the teardown stack').toEqual([]);
    await env.down();
  }, timeout);

  it('parallel environments of the same driver do not collide: each serves its own release and keeps its own data', async () => {
    const [a, b] = await Promise.all([h.up(shopSpec(2), 'parallel-a'), h.up(shopSpec(2), 'parallel-b')]);
    await Promise.all([a.env.deploy('shop', h.release('shopV1')), b.env.deploy('shop', h.release('shopV2'))]);
    expect(a.env.address('shop').href).not.toBe(b.env.address('shop').href);
    await expectServes(a.env.address('shop'), h.release('shopV1'));
    await expectServes(b.env.address('shop'), h.release('shopV2'));
    await expectObservedOn(a.env, 'shop', h.release('shopV1'), 2);
    await expectObservedOn(b.env, 'shop', h.release('shopV2'), 2);

    expect((await send(a.env.address('shop'), '/orders', { method: 'POST', body: { id: 'only-in-a' } })).status).toBe(201);
    expect((await send(b.env.address('shop'), '/orders/only-in-a')).status, "b reads a's order").toBe(404);

    await a.env.down();
    await expectServes(b.env.address('shop'), h.release('shopV2'));
  }, timeout);
}

/** A test, or an expected failure (`it.fails`, the reason in its title) when the driver declares it a known deviation. */
function expectedToPass(h: ConformanceHarness, id: KnownDeviation, title: string, test: () => Promise<void>, timeout: number): void {
  const reason = h.options.knownDeviations?.[id];
  if (reason === undefined) it(title, test, timeout);
  else it.fails(`${title} [known deviation of ${h.options.name}, expected to fail: ${reason}]`, test, timeout);
}
