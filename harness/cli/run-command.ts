import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ExitCode, badInput } from '../errors.ts';
import { getDriver } from '../drivers/registry.ts';
import { createReporters } from '../report/reporter-registry.ts';
import { ReporterMultiplexer } from '../report/reporter-multiplexer.ts';
import { JournalWriter } from '../report/journal-writer.ts';
import { describePlan } from '../scenario/plan.ts';
import type { LoadedScenario } from '../scenario/scenario-loader.ts';
import { attemptSeed, runDrills } from '../runner/run-drills.ts';
import { randomSeed } from '../util/seeded-random.ts';
import { consoleLogger } from './console-logger.ts';
import { loadValidScenarios } from './load-scenarios.ts';
import type { CliEnvironment } from './cli-environment.ts';

export interface RunFlags {
  driver: string;
  reporter: string[];
  output?: string;
  repeat: number;
  parallel: number;
  seed?: number;
  grep?: RegExp;
  shard?: { index: number; count: number };
  minPassRate?: number;
  dryRun?: boolean;
  verbose?: boolean;
}

export async function runCommand(paths: string[], flags: RunFlags, cli: CliEnvironment): Promise<number> {
  const driver = getDriver(flags.driver);
  const scenarios = select(await loadValidScenarios(paths, cli.cwd, { checkReleases: true, allowImages: flags.driver !== 'local' }), flags);
  const seed = flags.seed ?? randomSeed();
  if (flags.dryRun) {
    cli.stdout(`plan: ${scenarios.length} scenario${scenarios.length === 1 ? '' : 's'} × ${flags.repeat} on driver ${driver.name}, seed ${seed}, parallel ${flags.parallel}\n`);
    for (const loaded of scenarios) cli.stdout(`${describePlan(loaded, attemptSeed(seed, loaded, 1)).join('\n')}\n`);
    cli.stdout('dry run: nothing was started\n');
    return ExitCode.ok;
  }
  const runId = newRunId();
  const outputDir = resolve(cli.cwd, flags.output ?? join('reports', runId));
  const log = consoleLogger(flags.verbose ?? false, cli.stderr);
  const reporter = new ReporterMultiplexer(
    [{ name: 'journal', reporter: new JournalWriter(join(outputDir, 'journal.ndjson')) }, ...createReporters(flags.reporter, { outputDir: relativeOrAbsolute(cli.cwd, outputDir), write: cli.stdout, tty: cli.tty })],
    log,
  );
  const results = await runDrills({
    runId,
    scenarios,
    driver,
    repeat: flags.repeat,
    parallel: flags.parallel,
    seed,
    stateDir: cli.stateDir,
    cwd: cli.cwd,
    reporter,
    signal: cli.signal,
    log,
    version: cli.version,
  });
  if (results.aborted) return ExitCode.interrupted;
  if (flags.minPassRate !== undefined) return results.summary.passRate >= flags.minPassRate ? ExitCode.ok : ExitCode.failed;
  return results.summary.passed === results.summary.total ? ExitCode.ok : ExitCode.failed;
}

function select(scenarios: LoadedScenario[], flags: RunFlags): LoadedScenario[] {
  let selected = flags.grep ? scenarios.filter((s) => flags.grep!.test(s.scenario.name)) : scenarios;
  if (selected.length === 0) throw badInput(`--grep ${flags.grep}: no scenario name matches`, `the scenarios are ${scenarios.map((s) => JSON.stringify(s.scenario.name)).join(', ')}`);
  if (flags.shard) {
    const { index, count } = flags.shard;
    selected = selected.filter((_, i) => i % count === index - 1);
  }
  return selected;
}

function newRunId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

function relativeOrAbsolute(cwd: string, path: string): string {
  return path.startsWith(`${cwd}/`) ? path.slice(cwd.length + 1) : path;
}
