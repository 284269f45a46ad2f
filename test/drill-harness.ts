import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LocalDriver } from '../harness/drivers/local/local-driver.ts';
import { findScenarioFiles } from '../harness/scenario/scenario-files.ts';
import { loadScenarios } from '../harness/scenario/scenario-loader.ts';
import { runDrills } from '../harness/runner/run-drills.ts';
import { silentLogger } from '../harness/runner/logger.ts';
import type { Reporter } from '../harness/report/reporter.ts';
import type { RunResults } from '../harness/verdict/results.ts';
import type { Driver } from '../harness/drivers/driver.ts';

export const projectRoot = resolve(import.meta.dirname, '..');

/** Runs scenario files in-process (on the local driver unless told otherwise), with a throwaway state directory. */
export async function runDrillFiles(paths: string[], options: { parallel?: number; seed?: number; repeat?: number; driver?: Driver; reporter?: Reporter } = {}): Promise<RunResults> {
  const stateDir = await mkdtemp(join(tmpdir(), 'drillbit-test-'));
  try {
    const files = await findScenarioFiles(paths, projectRoot);
    const { scenarios, problems } = await loadScenarios(files, projectRoot);
    if (problems.length) throw new Error(`invalid test scenarios: ${JSON.stringify(problems)}`);
    const reporter: Reporter = options.reporter ?? { version: 1 };
    return await runDrills({
      runId: `test-${Date.now().toString(36)}`,
      scenarios,
      driver: options.driver ?? new LocalDriver(),
      repeat: options.repeat ?? 1,
      parallel: options.parallel ?? 1,
      seed: options.seed ?? 42,
      stateDir,
      cwd: projectRoot,
      reporter,
      signal: new AbortController().signal,
      log: silentLogger,
      version: 'test',
    });
  } finally {
    await rm(stateDir, { recursive: true, force: true }).catch(() => undefined);
  }
}
