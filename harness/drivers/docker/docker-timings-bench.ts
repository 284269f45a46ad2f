/**
 * Docker driver timings on this machine's engine, printed as a table:
 * - container create+start → first healthy HTTP answer (one replica, shop v1);
 * - rollback to the warm LKG → first request answered by the LKG's digest, at the stable address;
 * - rollback to an LKG that is not warm (a redeploy) → first LKG-served request;
 * - environment up (network, volume, front proxy) and down.
 *
 * `node bin/run-ts.mjs harness/drivers/docker/docker-timings-bench.ts [rounds]`
 */
import { request as httpRequest } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { silentLogger } from '../../runner/logger.ts';
import { TeardownStack } from '../../runner/teardown-stack.ts';
import { Timeline } from '../../runner/timeline.ts';
import { removeReadOnlyTree } from '../../release/release-store.ts';
import type { DriverContext } from '../driver.ts';
import { DockerDriver } from './docker-driver.ts';
import { PROJECT_ROOT } from './test-support.ts';

export async function main(args: string[]): Promise<number> {
  const rounds = Number(args[0] ?? 5);
  const samples = await measureDockerTimings(rounds);
  console.log(`docker driver timings, ${rounds} rounds (ms): median / min / max`);
  for (const [name, values] of Object.entries(samples)) {
    const sorted = [...values].sort((a, b) => a - b);
    console.log(`${name.padEnd(64)} ${fmt(sorted[Math.floor(sorted.length / 2)])} / ${fmt(sorted[0])} / ${fmt(sorted.at(-1))}`);
  }
  return 0;
}

/** The names `measureDockerTimings` reports under (also the bench section's, harness/bench/docker-bench.ts). */
export const DOCKER_TIMINGS = {
  up: 'environment up',
  createToHealthy: 'container create+start → healthy (deploy of 1 replica)',
  rollbackWarm: 'rollback to warm LKG → first LKG-served request',
  rollbackCold: 'rollback, LKG not warm (redeploy) → first LKG-served request',
  down: 'environment down',
} as const;

/** Each timing's samples in ms, one per round; stops early (with what it has) when `signal` aborts. */
export async function measureDockerTimings(rounds: number, signal?: AbortSignal): Promise<Record<string, number[]>> {
  const root = await mkdtemp(join(tmpdir(), 'drillbit-docker-bench-'));
  const driver = new DockerDriver();
  const storeDir = join(root, 'store');
  const resolveFixture = (service: string, name: string, path: string) => driver.resolveRelease(service, name, resolve(PROJECT_ROOT, path), PROJECT_ROOT, { storeDir });
  const samples: Record<string, number[]> = Object.fromEntries(Object.values(DOCKER_TIMINGS).map((name) => [name, []]));
  try {
    const v1 = await resolveFixture('shop', 'v1', 'fixtures/shop/v1');
    const v2 = await resolveFixture('shop', 'v2', 'fixtures/shop/v2');
    for (let round = 0; round < rounds && !signal?.aborted; round++) {
      const ctx: DriverContext = { runId: `bench-${process.pid}-${round}`, workDir: join(root, `work-${round}`), timeline: new Timeline(), teardown: new TeardownStack(), log: silentLogger, signal: new AbortController().signal };
      try {
        let t = performance.now();
        const env = await driver.up({ services: { shop: { replicas: 1, strategy: 'blue-green' } } }, ctx);
        samples[DOCKER_TIMINGS.up]!.push(performance.now() - t);
        t = performance.now();
        await env.deploy('shop', v1);
        samples[DOCKER_TIMINGS.createToHealthy]!.push(performance.now() - t);
        await env.deploy('shop', v2);
        const address = env.address('shop');
        t = performance.now();
        await env.rollback('shop', v1);
        await firstServedBy(address, v1.digest);
        samples[DOCKER_TIMINGS.rollbackWarm]!.push(performance.now() - t);
        // Two newer generations: v1 is neither serving nor warm, so the rollback deploys it.
        await env.deploy('shop', v2);
        await env.deploy('shop', v2);
        t = performance.now();
        await env.rollback('shop', v1);
        await firstServedBy(address, v1.digest);
        samples[DOCKER_TIMINGS.rollbackCold]!.push(performance.now() - t);
        t = performance.now();
        await env.down();
        samples[DOCKER_TIMINGS.down]!.push(performance.now() - t);
      } finally {
        await ctx.teardown.runAll();
      }
    }
  } finally {
    await removeReadOnlyTree(storeDir);
    await rm(root, { recursive: true, force: true });
  }
  return samples;
}

function fmt(ms: number | undefined): string {
  return ms === undefined ? '-' : ms.toFixed(1);
}

/** Polls the address until an answer carries the digest (each request on a fresh connection); gives up after 30 s. */
async function firstServedBy(address: URL, digest: string): Promise<void> {
  const deadline = performance.now() + 30_000;
  for (;;) {
    if (performance.now() > deadline) throw new Error(`no answer from ${digest.slice(0, 19)} at ${address.href} within 30 s`);
    const release = await new Promise<string | undefined>((done) => {
      const req = httpRequest(new URL('/products', address), { agent: false }, (res) => {
        res.resume();
        done(res.headers['x-drillbit-release'] as string | undefined);
      });
      req.on('error', () => done(undefined));
      req.end();
    });
    if (release === digest) return;
  }
}
