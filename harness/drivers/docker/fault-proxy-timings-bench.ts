/**
 * What the fault proxy container costs against host link proxies, on this machine's engine:
 * - bundling `drillbit proxy` with esbuild (once per driver), the image lookup by its hash;
 * - environment up + deploy of stock and of shop (which depends on stock), per mode;
 * - a /products request (shop → link proxy → stock), median of 20, per mode.
 *
 * `node bin/run-ts.mjs harness/drivers/docker/fault-proxy-timings-bench.ts [rounds]`
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { silentLogger } from '../../runner/logger.ts';
import { TeardownStack } from '../../runner/teardown-stack.ts';
import { Timeline } from '../../runner/timeline.ts';
import { removeReadOnlyTree } from '../../release/release-store.ts';
import type { DriverContext } from '../driver.ts';
import { DockerDriver } from './docker-driver.ts';
import { DockerEngine } from './docker-engine.ts';
import { bundleFaultProxy, FaultProxyImages } from './fault-proxy-image.ts';
import { PROJECT_ROOT } from './test-support.ts';

const MODES = ['host', 'container'] as const;

export async function main(args: string[]): Promise<number> {
  const rounds = Number(args[0] ?? 5);
  const root = await mkdtemp(join(tmpdir(), 'drillbit-proxy-bench-'));
  const storeDir = join(root, 'store');
  const samples: Record<string, number[]> = {};
  const add = (name: string, ms: number) => (samples[name] ??= []).push(ms);
  const driver = new DockerDriver();
  try {
    const fixture = (service: string, name: string, path: string) => driver.resolveRelease(service, name, resolve(PROJECT_ROOT, path), PROJECT_ROOT, { storeDir });
    const [stock, shop] = [await fixture('stock', 'v1', 'fixtures/stock/v1'), await fixture('shop', 'v1', 'fixtures/shop/v1-with-stock')];
    const base = (await DockerEngine.at().inspectImage(stock.image!.id))!.Config.Labels!['drillbit.base']!;
    for (let round = 0; round < rounds; round++) {
      let t = performance.now();
      await bundleFaultProxy();
      add('bundle drillbit proxy (esbuild)', performance.now() - t);
      t = performance.now();
      await new FaultProxyImages(DockerEngine.at()).image(base);
      add('fault proxy image (bundle + found by hash label)', performance.now() - t);
      for (const faultProxy of MODES) {
        const ctx: DriverContext = { runId: `proxy-bench-${process.pid}-${round}-${faultProxy}`, workDir: join(root, `work-${round}-${faultProxy}`), timeline: new Timeline(), teardown: new TeardownStack(), log: silentLogger, signal: new AbortController().signal };
        try {
          t = performance.now();
          const env = await driver.up({ services: { stock: { replicas: 1, strategy: 'blue-green' }, shop: { replicas: 1, strategy: 'blue-green', dependsOn: ['stock'] } }, faultProxy }, ctx);
          await env.deploy('stock', stock);
          await env.deploy('shop', shop);
          add(`${faultProxy}: up + deploy stock + deploy shop`, performance.now() - t);
          const times: number[] = [];
          for (let i = 0; i < 20; i++) {
            t = performance.now();
            const res = await fetch(new URL('/products', env.address('shop')), { headers: { connection: 'close' } });
            await res.text();
            times.push(performance.now() - t);
          }
          add(`${faultProxy}: GET /products (median of 20)`, median(times));
        } finally {
          await ctx.teardown.runAll();
        }
      }
    }
  } finally {
    await removeReadOnlyTree(storeDir);
    await rm(root, { recursive: true, force: true });
  }
  console.log(`fault proxy: host vs container, ${rounds} rounds (ms): median / min / max`);
  for (const [name, values] of Object.entries(samples)) {
    const sorted = [...values].sort((a, b) => a - b);
    console.log(`${name.padEnd(52)} ${median(sorted).toFixed(1)} / ${sorted[0]!.toFixed(1)} / ${sorted.at(-1)!.toFixed(1)}`);
  }
  return 0;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
