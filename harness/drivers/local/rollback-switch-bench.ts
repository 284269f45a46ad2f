import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as tick } from 'node:timers/promises';
import { Agent, request } from 'undici';
import type { ResolvedRelease } from '../driver.ts';
import { removeReadOnlyTree } from '../../release/release-store.ts';
import { LocalDriver } from './local-driver.ts';
import type { LocalEnvironment } from './local-environment.ts';
import { testContext, writeTestBundle } from './test-support.ts';

const SWITCH_DEADLINE_MS = 5000;

export interface RollbackSwitchOptions {
  rounds: number;
  /** Keep-alive clients looping through the stable address. */
  clients: number;
  /** Bundle directories of the LKG and the candidate. Default: two generated test bundles. */
  bundles?: { lkg: string; candidate: string };
  /** Path the clients request. Default "/". */
  path?: string;
  /** Stops between rounds. */
  signal?: AbortSignal;
}

export interface RollbackSwitchTimes {
  /** `rollback()` call: warm health re-check + switch. */
  callMs: number[];
  /** Decision (rollback() called) → first response served by the LKG. */
  firstLkgMs: number[];
}

/**
 * Deploys the LKG then, each round, the candidate, and measures a rollback to the warm
 * LKG under load (2 replicas, blue/green).
 */
export async function benchRollbackSwitch(options: RollbackSwitchOptions): Promise<RollbackSwitchTimes> {
  const root = await mkdtemp(join(tmpdir(), 'drillbit-bench-'));
  const ctx = testContext(join(root, 'work'), 'bench');
  const agent = new Agent({ connections: options.clients });
  try {
    const driver = new LocalDriver();
    const bundle = async (which: 'lkg' | 'candidate', name: string) => options.bundles?.[which] ?? (await writeTestBundle(join(root, 'bundles'), name));
    const resolve = async (which: 'lkg' | 'candidate', name: string) => driver.resolveRelease('shop', name, await bundle(which, name), root, { storeDir: join(root, 'store') });
    const [lkg, candidate] = [await resolve('lkg', 'v1'), await resolve('candidate', 'v2')];
    const env = await driver.up({ services: { shop: { replicas: 2, strategy: 'blue-green' } } }, ctx);
    await env.deploy('shop', lkg);
    const times: RollbackSwitchTimes = { callMs: [], firstLkgMs: [] };
    for (let round = 0; round < options.rounds && !options.signal?.aborted; round++) {
      await env.deploy('shop', candidate);
      const { callMs, firstLkgMs } = await measureRollback(env, agent, options, lkg);
      times.callMs.push(callMs);
      times.firstLkgMs.push(firstLkgMs);
    }
    return times;
  } finally {
    await agent.close();
    await ctx.teardown.runAll();
    await removeReadOnlyTree(root);
  }
}

/**
 * How fast an instant rollback is: from the decision (rollback() called) to the first
 * response served by the warm LKG, with `clients` keep-alive clients looping through
 * the stable address. `node bin/run-ts.mjs harness/drivers/local/rollback-switch-bench.ts [rounds] [clients]`
 */
export async function main(args: string[]): Promise<number> {
  const rounds = Number(args[0] ?? 20);
  const clients = Number(args[1] ?? 4);
  const { callMs, firstLkgMs } = await benchRollbackSwitch({ rounds, clients });
  console.log(`rollback() call (warm health re-check + switch): ${summary(callMs)}`);
  console.log(`decision -> first response from the LKG:        ${summary(firstLkgMs)}`);
  console.log(`(${rounds} rounds, 2 replicas, ${clients} keep-alive clients)`);
  return 0;
}

async function measureRollback(env: LocalEnvironment, agent: Agent, options: RollbackSwitchOptions, lkg: ResolvedRelease) {
  const url = new URL(options.path ?? '/', env.address('shop'));
  // Test bundles answer with their name, real ones (the sample shop) with the digest the driver gave them.
  const servedByLkg = (header: unknown) => header === lkg.digest || header === lkg.name;
  let decision = Infinity;
  let firstLkg: number | undefined;
  let running = true;
  let failure: unknown;
  const loops = Array.from({ length: options.clients }, async () => {
    while (running) {
      const res = await request(url, { dispatcher: agent });
      await res.body.text();
      const now = performance.now();
      if (servedByLkg(res.headers['x-drillbit-release']) && now >= decision) firstLkg ??= now;
    }
  }).map((loop) => loop.catch((error: unknown) => void (failure ??= error)));
  try {
    await new Promise((resolve) => setTimeout(resolve, 30));
    decision = performance.now();
    await env.rollback('shop', lkg);
    const callMs = performance.now() - decision;
    while (firstLkg === undefined && failure === undefined && performance.now() - decision < SWITCH_DEADLINE_MS) await tick();
    if (firstLkg === undefined) throw new Error(`no response from the LKG within ${SWITCH_DEADLINE_MS} ms of the rollback`, { cause: failure });
    return { callMs, firstLkgMs: firstLkg - decision };
  } finally {
    running = false;
    await Promise.all(loops);
  }
}

function summary(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!.toFixed(1);
  return `median ${at(0.5)} ms, p90 ${at(0.9)} ms, max ${at(1)} ms`;
}
