import { describe, expect, it } from 'vitest';
import type { ProcessFaultSurface } from '../../harness/drivers/fault-surface.ts';
import { faultTypes, type FaultName } from '../../harness/faults/fault-registry.ts';
import { resolveTargets } from '../../harness/faults/fault-target-resolver.ts';
import type { FaultContext, FaultTarget, FaultType, Injected } from '../../harness/faults/fault-type.ts';
import { SeededRandom } from '../../harness/util/seeded-random.ts';
import { skipOrFail } from '../requirement.ts';
import { shopSpec, shopWithStockSpec, type ConformanceHarness, type FaultSurfaceName, type Run } from './conformance-harness.ts';
import { expectServes, fastest, lkgComparison, lkgEqual, send, sendMany, statusOf } from './conformance-probes.ts';

type Skip = (note: string) => never;

const SHOP_TO_STOCK: FaultTarget = { kind: 'link', from: 'shop', to: 'stock' };

/**
 * Section 7: every fault of the registry that the driver's surfaces support has its
 * effect, and after its revert (called twice: reverts are idempotent) the environment
 * serves and matches its LKG again. A fault whose surface the driver does not list in
 * `faultSurfaces` is skipped (failed under DRILLBIT_REQUIRE_FAULT_SURFACES=1); a listed one it lacks fails.
 */
export function describeFaultConformance(h: ConformanceHarness): void {
  let injections = 0;

  /** Injects through the fault type as the runner does: plan (the undo) first, a fresh FaultContext, the revert queued on the teardown stack. */
  async function inject(run: Run, name: FaultName, target: FaultTarget, params: Record<string, unknown> = {}): Promise<Injected> {
    const type = faultTypes[name] as FaultType<unknown>;
    const parsed = type.params.parse(params);
    const injectionId = `${name}-${++injections}`;
    const ctx: FaultContext = {
      env: run.env, timeline: run.ctx.timeline, log: run.ctx.log, signal: run.ctx.signal,
      random: new SeededRandom(42).derive(injectionId), workDir: run.ctx.workDir, injectionId,
    };
    type.plan(target, parsed, ctx);
    const injected = await type.inject(target, parsed, ctx);
    run.ctx.teardown.defer(`revert ${injectionId}`, () => injected.revert(), { deadlineMs: 15_000 });
    return injected;
  }

  /** A surface the driver lacks: a failure where it says it offers the surface, else a skip (a failure under DRILLBIT_REQUIRE_FAULT_SURFACES=1). */
  function lacks(surface: FaultSurfaceName, reason: string, skip: Skip): never {
    if (h.options.faultSurfaces.includes(surface)) throw new Error(`${reason}, though the driver's conformance options list ${surface} among its faultSurfaces`);
    return skipOrFail(skip, { requirement: 'FAULT_SURFACES', reason, hint: `a driver without ${surface} does not run this test` });
  }

  function processFaults(run: Run, fault: string, skip: Skip): ProcessFaultSurface {
    return run.env.processFaults ?? lacks('processFaults', `${h.options.name} has no processFaults surface: ${fault} cannot act on it`, skip);
  }

  function shopToStockLink(run: Run, fault: string, skip: Skip): void {
    if (!run.env.networkFaults?.link('shop', 'stock')) lacks('links', `${h.options.name} has no fault proxy on shop->stock: ${fault} cannot act on it`, skip);
  }

  async function upShop(label: string, replicas: number): Promise<Run> {
    const run = await h.up(shopSpec(replicas), label);
    await run.env.deploy('shop', h.release('shopV1'));
    return run;
  }

  async function upShopWithStock(label: string): Promise<Run> {
    const run = await h.up(shopWithStockSpec(), label);
    await run.env.deploy('stock', h.release('stockV1'));
    await run.env.deploy('shop', h.release('shopV1WithStock'));
    return run;
  }

  const withStockLkg = () => ({ lkg: { shop: h.release('shopV1WithStock'), stock: h.release('stockV1') }, replicas: { shop: 1, stock: 1 } });
  const poll = { timeout: h.ms(5000), interval: 50 };
  const timeout = h.ms(20_000);

  describe('every fault reverts', () => {
    it('http-abort (share 1, 503) on shop: every request 503; after the revert 200s [needs processFaults]', async ({ skip }) => {
      const run = await upShop('http-abort', 2);
      processFaults(run, 'http-abort', skip);
      const fault = await inject(run, 'http-abort', { kind: 'service', service: 'shop' }, { share: 1, status: 503 });
      expect((await sendMany(run.env.address('shop'), '/products', 6)).map((a) => a.status)).toEqual([503, 503, 503, 503, 503, 503]);
      await fault.revert();
      await fault.revert();
      await expectServes(run.env.address('shop'), h.release('shopV1'));
      expect(await lkgEqual(run.env, { shop: h.release('shopV1') }, { shop: 2 })).toBe(true);
    }, timeout);

    it('dependency-outage on stock: its address and shop /products answer 503; after the revert 200 and both LKG-equal [needs processFaults]', async ({ skip }) => {
      const run = await upShopWithStock('outage');
      processFaults(run, 'dependency-outage', skip);
      const fault = await inject(run, 'dependency-outage', { kind: 'service', service: 'stock' });
      expect(await statusOf(run.env.address('stock'), '/stock/p1')).toBe(503);
      expect(await statusOf(run.env.address('shop'), '/products')).toBe(503);
      await fault.revert();
      await fault.revert();
      await expect.poll(() => statusOf(run.env.address('shop'), '/products'), poll).toBe(200);
      await expectServes(run.env.address('shop'), h.release('shopV1WithStock'));
      const { lkg, replicas } = withStockLkg();
      expect(await lkgComparison(run.env, lkg, replicas)).toMatchObject({ shop: { match: true }, stock: { match: true } });
    }, timeout);

    it('kill a replica of shop (2 replicas): it is gone and the survivor serves; after the revert a new replica serves, healthy and LKG-equal [needs processFaults]', async ({ skip }) => {
      const run = await upShop('kill', 2);
      const surface = processFaults(run, 'kill', skip);
      const [target] = resolveTargets({ kind: 'replica', service: 'shop', replica: 0 }, run.env, 'kill');
      if (target?.kind !== 'replica') throw new Error('no replica target');
      const fault = await inject(run, 'kill', target);

      const slot = () => surface.replicas('shop').find((r) => r.id === target.replicaId);
      expect(slot()?.alive && slot()?.pid === target.pid, 'the killed process still runs').toBe(false);
      expect((await lkgComparison(run.env, { shop: h.release('shopV1') }, { shop: 2 })).shop?.match, 'LKG equality with a replica gone').toBe(false);
      await expect.poll(async () => (await sendMany(run.env.address('shop'), '/products', 4)).map((a) => a.status).join(','), poll).toBe('200,200,200,200');

      await fault.revert();
      await fault.revert();
      expect(slot()).toMatchObject({ alive: true, serving: true });
      expect(slot()?.pid).not.toBe(target.pid);
      await expect.poll(() => lkgEqual(run.env, { shop: h.release('shopV1') }, { shop: 2 }), poll).toBe(true);
      await expectServes(run.env.address('shop'), h.release('shopV1'));
    }, timeout);

    it('stop a replica of shop (2 replicas): it is down for the duration and the other serves; after the revert its slot serves again, healthy and LKG-equal [needs processFaults]', async ({ skip }) => {
      const run = await upShop('stop', 2);
      const surface = processFaults(run, 'stop', skip);
      const [target] = resolveTargets({ kind: 'replica', service: 'shop', replica: 0 }, run.env, 'stop');
      if (target?.kind !== 'replica') throw new Error('no replica target');
      const fault = await inject(run, 'stop', target, { graceMs: 1000 });

      const slot = () => surface.replicas('shop').find((r) => r.id === target.replicaId);
      expect(slot()?.alive, 'the stopped replica still runs').not.toBe(true);
      expect(surface.replicas('shop').filter((r) => r.serving && r.alive), 'replicas serving while one is stopped').toHaveLength(1);
      expect((await sendMany(run.env.address('shop'), '/products', 4)).map((a) => a.status)).toEqual([200, 200, 200, 200]);

      await fault.revert();
      await fault.revert();
      expect(slot()).toMatchObject({ alive: true, serving: true });
      await expect.poll(() => lkgEqual(run.env, { shop: h.release('shopV1') }, { shop: 2 }), poll).toBe(true);
      await expectServes(run.env.address('shop'), h.release('shopV1'));
    }, timeout);

    it('pause the replica of shop: requests to it stall; after the revert it answers at once [needs processFaults]', async ({ skip }) => {
      const run = await upShop('pause', 1);
      processFaults(run, 'pause', skip);
      const [target] = resolveTargets({ kind: 'replica', service: 'shop', replica: 0 }, run.env, 'pause');
      if (target?.kind !== 'replica') throw new Error('no replica target');
      const direct = (await run.env.observe()).shop?.replicas.find((r) => r.id === target.replicaId)?.address;
      const fault = await inject(run, 'pause', target);

      const stallMs = h.ms(600);
      for (const base of [run.env.address('shop'), ...(direct ? [direct] : [])]) {
        const started = performance.now();
        const outcome = await statusOf(base, '/products', stallMs);
        expect(String(outcome), `${base.href} while paused`).toMatch(/^unreachable/);
        expect(performance.now() - started, 'a stall, not a quick failure').toBeGreaterThanOrEqual(stallMs - 50);
      }

      await fault.revert();
      await fault.revert();
      const after = await send(run.env.address('shop'), '/products', { timeoutMs: h.ms(2000) });
      expect(after.status).toBe(200);
      await expectServes(run.env.address('shop'), h.release('shopV1'));
      expect(await lkgEqual(run.env, { shop: h.release('shopV1') }, { shop: 1 })).toBe(true);
    }, timeout);

    it('latency 400 ms on the link shop->stock: /products slower; after the revert fast again [needs links]', async ({ skip }) => {
      const run = await upShopWithStock('latency');
      shopToStockLink(run, 'latency', skip);
      const shop = run.env.address('shop');
      const before = await fastest(shop, '/products');
      expect(before.status).toBe(200);
      const fault = await inject(run, 'latency', SHOP_TO_STOCK, { latency: 400, jitter: 0 });
      const during = await fastest(shop, '/products', 2);
      expect(during.status).toBe(200);
      expect(during.ms, `/products with 400 ms on shop->stock (was ${before.ms.toFixed(0)} ms)`).toBeGreaterThanOrEqual(360);

      await fault.revert();
      await fault.revert();
      const after = await fastest(shop, '/products');
      expect(after.status).toBe(200);
      expect(after.ms, `/products after the revert (was ${before.ms.toFixed(0)} ms before)`).toBeLessThan(200);
    }, timeout);

    it('partition on the link shop->stock: /products fails; after the revert 200 and both LKG-equal [needs links]', async ({ skip }) => {
      const run = await upShopWithStock('partition');
      shopToStockLink(run, 'partition', skip);
      const shop = run.env.address('shop');
      const fault = await inject(run, 'partition', SHOP_TO_STOCK);
      await expect.poll(() => statusOf(shop, '/products'), poll).toBe(503);
      // The partition is on the link only: stock itself still serves.
      expect(await statusOf(run.env.address('stock'), '/stock/p1')).toBe(200);

      await fault.revert();
      await fault.revert();
      await expect.poll(() => statusOf(shop, '/products'), poll).toBe(200);
      await expectServes(shop, h.release('shopV1WithStock'));
      const { lkg, replicas } = withStockLkg();
      expect(await lkgComparison(run.env, lkg, replicas)).toMatchObject({ shop: { match: true }, stock: { match: true } });
    }, timeout);
  });
}
