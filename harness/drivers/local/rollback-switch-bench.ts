import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as tick } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { removeReadOnlyTree } from '../../release/release-store.ts';
import { LocalDriver } from './local-driver.ts';
import type { LocalEnvironment } from './local-environment.ts';
import { testContext, writeTestBundle } from './test-support.ts';

/**
 * How fast an instant rollback is: from the decision (rollback() called) to the first
 * response served by the warm LKG, with `clients` keep-alive clients looping through
 * the stable address. `node bin/run-ts.mjs harness/drivers/local/rollback-switch-bench.ts [rounds] [clients]`
 */
export async function main(args: string[]): Promise<number> {
  const rounds = Number(args[0] ?? 20);
  const clients = Number(args[1] ?? 4);
  const root = await mkdtemp(join(tmpdir(), 'drillbit-bench-'));
  const ctx = testContext(join(root, 'work'), 'bench');
  const agent = new Agent({ connections: clients });
  try {
    const driver = new LocalDriver();
    const resolve = async (name: string) => driver.resolveRelease('shop', name, await writeTestBundle(join(root, 'bundles'), name), root, { storeDir: join(root, 'store') });
    const [lkg, candidate] = [await resolve('v1'), await resolve('v2')];
    const env = await driver.up({ services: { shop: { replicas: 2, strategy: 'blue-green' } } }, ctx);
    await env.deploy('shop', lkg);
    const calls: number[] = [];
    const switches: number[] = [];
    for (let round = 0; round < rounds; round++) {
      await env.deploy('shop', candidate);
      const { callMs, firstLkgMs } = await measureRollback(env, agent, clients, () => env.rollback('shop', lkg));
      calls.push(callMs);
      switches.push(firstLkgMs);
    }
    console.log(`rollback() call (warm health re-check + switch): ${summary(calls)}`);
    console.log(`decision -> first response from the LKG:        ${summary(switches)}`);
    console.log(`(${rounds} rounds, 2 replicas, ${clients} keep-alive clients)`);
    return 0;
  } finally {
    await agent.close();
    await ctx.teardown.runAll();
    await removeReadOnlyTree(root);
  }
}

async function measureRollback(env: LocalEnvironment, agent: Agent, clients: number, rollback: () => Promise<void>) {
  let decision = Infinity;
  let firstLkg: number | undefined;
  let running = true;
  const loops = Array.from({ length: clients }, async () => {
    while (running) {
      const res = await request(env.address('shop'), { dispatcher: agent });
      await res.body.text();
      const now = performance.now();
      if (res.headers['x-drillbit-release'] === 'v1' && now >= decision) firstLkg ??= now;
    }
  });
  await new Promise((resolve) => setTimeout(resolve, 30));
  decision = performance.now();
  await rollback();
  const callMs = performance.now() - decision;
  while (firstLkg === undefined) await tick();
  running = false;
  await Promise.all(loops);
  return { callMs, firstLkgMs: firstLkg - decision };
}

function summary(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!.toFixed(1);
  return `median ${at(0.5)} ms, p90 ${at(0.9)} ms, max ${at(1)} ms`;
}
