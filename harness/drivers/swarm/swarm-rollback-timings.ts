import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DeployRejectedError } from '../deploy-rejected-error.ts';
import type { DriverContext } from '../driver.ts';
import { silentLogger } from '../../runner/logger.ts';
import { TeardownStack } from '../../runner/teardown-stack.ts';
import { Timeline } from '../../runner/timeline.ts';
import { SwarmDriver } from './swarm-driver.ts';

export interface SwarmRollbackRound {
  /** A good update of 2 tasks (v1 → v2), until Swarm says completed and both run v2. */
  goodUpdateMs: number;
  /** Drillbit's rollback() (rollback=previous) of that update, until both tasks run v1; null when Swarm paused it. */
  harnessRollbackMs: number | null;
  /** The failing candidate's first unhealthy task → every task back on the LKG (Swarm's own rollback). */
  firstUnhealthyToLkgMs: number;
  /** The same, from the update's start. */
  updateToLkgMs: number;
}

/**
 * One round on a real swarm, shop with 2 replicas: deploy v1, a good update to v2, a
 * harness-driven rollback to v1, then a candidate that never gets healthy, which Swarm
 * rolls back itself (failure action rollback). `swarmDefaults`: Swarm's own update,
 * rollback and restart settings instead of the drill's (the health check stays the same).
 */
export async function measureSwarmRollback(root: string, swarmDefaults: boolean): Promise<SwarmRollbackRound> {
  const dir = await mkdtemp(join(tmpdir(), 'drillbit-swarm-bench-'));
  const driver = new SwarmDriver({ swarmDefaults });
  const storeDir = join(dir, 'store');
  const release = (name: string) => driver.resolveRelease('shop', name, resolve(root, 'fixtures/shop', name), root, { storeDir });
  const [v1, v2, bad] = [await release('v1'), await release('v2'), await release('v2-unhealthy')];
  const timeline = new Timeline();
  const ctx: DriverContext = { runId: `bench-swarm-${Date.now().toString(36)}`, workDir: join(dir, 'work'), timeline, teardown: new TeardownStack(), log: silentLogger, signal: new AbortController().signal };
  try {
    const env = await driver.up({ services: { shop: { replicas: 2, strategy: 'blue-green' } } }, ctx);
    await env.deploy('shop', v1);
    let started = performance.now();
    await env.deploy('shop', v2);
    const goodUpdateMs = performance.now() - started;
    started = performance.now();
    // Swarm's own rollback config (stop-first, one task at a time, failure action pause) can pause: then v1 is deployed again and the round goes on.
    const harnessRollbackMs = await env.rollback('shop', v1).then(() => performance.now() - started, async () => {
      await env.deploy('shop', v1);
      return null;
    });
    const updateStartMs = timeline.now();
    const outcome = await env.deploy('shop', bad).then(() => 'deployed', (error: unknown) => error);
    if (!(outcome instanceof DeployRejectedError)) throw new Error(`swarm bench: the unhealthy candidate was not rolled back by Swarm (${String(outcome)})`);
    const doneMs = timeline.now();
    const firstUnhealthy = timeline.events.find((e) => e.type === 'task-failed' && e.tMs >= updateStartMs);
    return { goodUpdateMs, harnessRollbackMs, firstUnhealthyToLkgMs: doneMs - (firstUnhealthy?.tMs ?? updateStartMs), updateToLkgMs: doneMs - updateStartMs };
  } finally {
    await ctx.teardown.runAll();
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}
