import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { LocalDriver } from '../drivers/local/local-driver.ts';
import type { Logger } from '../runner/logger.ts';
import { runDrills } from '../runner/run-drills.ts';
import type { TimelineEvent } from '../runner/timeline.ts';
import type { LoadedScenario } from '../scenario/scenario-loader.ts';
import type { AttemptIdentity, Reporter } from '../report/reporter.ts';
import type { RunResults, ScenarioResult } from '../verdict/results.ts';

export type RollbackKind = 'warm' | 'cold';

export interface BenchDrillRun {
  run: RunResults;
  /** Wall time of runDrills, release resolution included. */
  wallMs: number;
  /** Per scenario attempt, whether each of its `rollback` events (in order) switched to a warm release or had to start one. */
  rollbackKinds(result: ScenarioResult): RollbackKind[];
}

/**
 * Runs scenarios in-process on the local driver, one at a time (or `parallel` at once), as
 * test/drill-harness.ts does, with a throwaway state directory (so every run resolves its
 * releases cold). Rollback kinds pair up only one at a time.
 */
export async function runBenchDrills(scenarios: LoadedScenario[], options: { cwd: string; repeat?: number; seed?: number; parallel?: number; signal: AbortSignal }): Promise<BenchDrillRun> {
  const stateDir = await mkdtemp(join(tmpdir(), 'drillbit-bench-'));
  const kinds = new RollbackKindRecorder();
  try {
    const started = performance.now();
    const run = await runDrills({
      runId: `bench-${Date.now().toString(36)}`,
      scenarios,
      driver: new LocalDriver(),
      repeat: options.repeat ?? 1,
      parallel: options.parallel ?? 1,
      seed: options.seed ?? 42,
      stateDir,
      cwd: options.cwd,
      reporter: kinds.reporter,
      signal: options.signal,
      log: kinds.logger,
      version: 'bench',
    });
    const wallMs = performance.now() - started;
    return { run, wallMs, rollbackKinds: (result) => kinds.of(result) };
  } finally {
    await rm(stateDir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * The timeline does not say whether a rollback was an instant switch; the local driver
 * logs it ("has no warm … deploying it") between `rollback-start` and `rollback`. With
 * one scenario at a time, events and log lines arrive in order, so they pair up.
 */
class RollbackKindRecorder {
  private readonly kinds = new Map<string, RollbackKind[]>();
  private pending: RollbackKind = 'warm';

  readonly reporter: Reporter = {
    version: 1,
    onEvent: (identity: AttemptIdentity, event: TimelineEvent) => {
      if (event.type === 'rollback-start') this.pending = 'warm';
      if (event.type !== 'rollback') return;
      const key = attemptKey(identity);
      this.kinds.set(key, [...(this.kinds.get(key) ?? []), this.pending]);
    },
  };

  readonly logger: Logger = {
    debug: () => undefined,
    info: (message) => {
      if (/has no warm .*; deploying it/.test(message)) this.pending = 'cold';
    },
    warn: () => undefined,
  };

  of(result: ScenarioResult): RollbackKind[] {
    return this.kinds.get(attemptKey(result)) ?? [];
  }
}

function attemptKey(identity: { name: string; attempt: number }): string {
  return `${identity.name}\0${identity.attempt}`;
}
