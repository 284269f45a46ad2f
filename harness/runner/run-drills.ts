import { mkdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { claimRun, markRunFinished } from '../clean/run-owner.ts';
import { reapDeadRuns } from '../clean/run-reaper.ts';
import { armDeadManSwitch } from '../clean/dead-man-switch.ts';
import type { Driver } from '../drivers/driver.ts';
import type { LoadedScenario } from '../scenario/scenario-loader.ts';
import type { AttemptProgress, Reporter } from '../report/reporter.ts';
import type { Logger } from './logger.ts';
import { hashString } from '../util/seeded-random.ts';
import { summarizeRun, type RunResults, type ScenarioResult } from '../verdict/results.ts';
import { scenarioStats } from '../verdict/scenario-stats.ts';
import type { ShardInfo } from '../scenario/shard.ts';
import { resolveAllReleases } from './release-preflight.ts';
import { partitionByDriver, resolveEnvironments, type ScenarioEnvironment } from './environment-preflight.ts';
import { runScenario } from './scenario-runner.ts';
import { attachSecrets } from './secret-preflight.ts';
import { checkExternalTargets } from './external-preflight.ts';
import { TargetAllowance } from '../scenario/target-allowance.ts';
import { slug } from './traffic-phase.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { registerReleases } from '../ledger/release-registry.ts';
import { ledgerLkgs } from '../ledger/ledger-lkg-preflight.ts';
import type { PolicyRule } from '../policy/policy-rule.ts';
import type { GateSpec } from '../ledger/promotion-gate.ts';
import { loadedForDriver } from '../scenario/driver-overrides.ts';
import { HarnessHealth } from '../health/harness-health.ts';
import type { ParallelChoice } from './parallel-default.ts';

export interface RunOptions {
  runId: string;
  scenarios: LoadedScenario[];
  driver: Driver;
  repeat: number;
  parallel: number;
  /** How `parallel` was chosen (the CLI's flag or the machine's default), for the run header and results. */
  parallelChoice?: ParallelChoice;
  seed: number;
  /** Where per-run work directories live. */
  stateDir: string;
  /** The content-addressed release store. Default `<stateDir>/store`. */
  storeDir?: string;
  cwd: string;
  reporter: Reporter;
  signal: AbortSignal;
  log: Logger;
  version: string;
  /** Recorded in the results when the run is one shard of a scenario set. */
  shard?: ShardInfo;
  /** The release ledger: the run registers its releases in it and records every deploy, promotion, rollback and verdict. */
  ledger?: Ledger;
  /** Policy rules that run before every deploy. */
  policy?: readonly PolicyRule[];
  /** Named promotion gates (the config's `gates`). */
  gates?: Readonly<Record<string, GateSpec>>;
  /** Hosts besides loopback that scenarios' external dependencies may be on (`--allow-target`). Default: loopback only. */
  allowance?: TargetAllowance;
}

/** A run whose heart has not beaten this long has its faults undone by its watchdog. */
const DEAD_MAN_MS = 30_000;

interface Job {
  loaded: LoadedScenario;
  attempt: number;
  order: number;
}

/**
 * Runs every scenario `repeat` times, `parallel` at a time. Each attempt has its own
 * seed (derived from the root seed, the file, the scenario and the attempt, so `--seed`
 * replays it), its own work directory and its own ports: nothing is shared between them.
 */
export async function runDrills(options: RunOptions): Promise<RunResults> {
  // A scenario the driver cannot run (a compose environment on the local driver) is skipped, with its reason.
  const partitioned = partitionByDriver(options.scenarios.map((loaded) => loadedForDriver(loaded, options.driver.name)), options.driver);
  const { skipped } = partitioned;
  // External dependencies: on loopback or allowed by --allow-target (exit 2), and answering (exit 3), before anything starts.
  const runnable = await checkExternalTargets(partitioned.runnable, options.allowance ?? TargetAllowance.loopbackOnly, options.log);
  const storeDir = options.storeDir ?? join(options.stateDir, 'store');
  for (const warning of (await options.driver.prepareStore?.(storeDir)) ?? []) options.log.warn(warning);
  const releases = await resolveAllReleases(runnable, options.driver, { storeDir, cwd: options.cwd });
  const environments = await resolveEnvironments(runnable, options.driver, releases, { storeDir, cwd: options.cwd, log: options.log });
  await attachSecrets(environments, process.env);
  // Registered before anything starts: a version label reused for other content is bad input (exit 2).
  const registrations = options.ledger ? await registerReleases(options.ledger, [...environments.values()].flatMap((e) => [...e.releases.values()].flatMap((m) => [...m.values()])), options.runId) : new Map();
  const fromLedger = await ledgerLkgs(runnable.map((loaded) => ({ loaded, releases: environments.get(loaded)!.releases })), options.ledger);
  await reapLeftovers(options);
  const runDir = join(options.stateDir, 'runs', options.runId);
  await mkdir(runDir, { recursive: true });
  const owner = await claimRun(runDir, options.runId, options.cwd);
  const hasFaults = runnable.some(({ scenario }) => scenario.faults.length > 0 || scenario.steps.some((s) => s.kind === 'fault'));
  const deadMan = hasFaults ? await armDeadManSwitch(runDir, DEAD_MAN_MS) : undefined;
  const jobs: Job[] = runnable.flatMap((loaded, i) => Array.from({ length: options.repeat }, (_, a) => ({ loaded, attempt: a + 1, order: i * options.repeat + a })));
  const results: { order: number; result: ScenarioResult }[] = [];
  const run: RunResults = {
    runId: options.runId,
    startedAt: new Date().toISOString(),
    driver: options.driver.name,
    seed: options.seed,
    drillbitVersion: options.version,
    aborted: false,
    summary: summarizeRun([]),
    scenarios: [],
    scenarioStats: [],
    ...(options.shard ? { shard: options.shard } : {}),
    parallel: options.parallelChoice ?? { parallel: options.parallel, source: 'flag', cores: availableParallelism() },
  };
  if (skipped.length) run.skipped = skipped;
  await options.reporter.onBegin?.({ runId: options.runId, driver: options.driver.name, seed: options.seed, attempts: jobs.map((j) => ({ name: j.loaded.scenario.name, file: j.loaded.displayFile, attempt: j.attempt })), ...(skipped.length ? { skipped } : {}), parallel: run.parallel });

  const queue = [...jobs];
  // One monitor for the process: the drills running at once share the event loop it watches.
  const health = new HarnessHealth();
  const worker = async () => {
    for (let job = queue.shift(); job && !options.signal.aborted; job = queue.shift()) {
      const result = await runJob(job, options, environments.get(job.loaded)!, registrations, fromLedger.get(job.loaded), health);
      results.push({ order: job.order, result });
      run.scenarios = results.sort((a, b) => a.order - b.order).map((r) => r.result);
      run.summary = summarizeRun(run.scenarios);
      run.scenarioStats = scenarioStats(run.scenarios, { round: true });
      await options.reporter.onScenarioEnd?.(result, run);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.parallel, jobs.length)) }, worker));
  run.aborted = options.signal.aborted;
  run.finishedAt = new Date().toISOString();
  deadMan?.stop();
  await markRunFinished(runDir, owner);
  await options.reporter.onEnd?.(run);
  return run;
}

/** Each attempt's seed: from the root seed, the file, the scenario and the attempt, so `--seed` replays a run. */
export function attemptSeed(rootSeed: number, loaded: LoadedScenario, attempt: number): number {
  return hashString(`${rootSeed}:${loaded.displayFile}:${loaded.scenario.name}:${attempt}`);
}

/** What earlier runs left when they were killed (SIGKILL, a crash) is reaped before this one starts. */
async function reapLeftovers(options: RunOptions): Promise<void> {
  const reaped = (await reapDeadRuns(options.stateDir)).filter((r) => !r.skipped && (r.processesKilled || r.undosReplayed || r.containersRemoved || r.networksRemoved || r.volumesRemoved));
  for (const r of reaped) {
    options.log.warn(`reaped what the killed run ${r.runId} left: ${r.processesKilled} processes, ${r.undosReplayed} fault undos, ${r.containersRemoved} containers, ${r.networksRemoved} networks, ${r.volumesRemoved} volumes`);
  }
}

function runJob(job: Job, options: RunOptions, environment: ScenarioEnvironment, registrations: Awaited<ReturnType<typeof registerReleases>>, lkgFromLedger: ReadonlyMap<string, string> | undefined, health: HarnessHealth): Promise<ScenarioResult> {
  const { scenario, displayFile } = job.loaded;
  const seed = attemptSeed(options.seed, job.loaded, job.attempt);
  const workDir = join(options.stateDir, 'runs', options.runId, `${slug(scenario.name)}-${job.attempt}`);
  const identity = { name: scenario.name, file: displayFile, attempt: job.attempt };
  void options.reporter.onScenarioBegin?.(identity);
  return runScenario({
    loaded: job.loaded,
    attempt: job.attempt,
    seed,
    runId: options.runId,
    driver: options.driver,
    releases: environment.releases,
    environment: environment.spec,
    workDir,
    signal: options.signal,
    log: options.log,
    onEvent: (event) => options.reporter.onEvent?.(identity, event),
    ...(options.reporter.onProgress ? { onProgress: (progress: AttemptProgress) => options.reporter.onProgress?.(identity, progress) } : {}),
    ledger: options.ledger,
    registrations,
    policy: options.policy,
    gates: options.gates,
    lkgFromLedger,
    health,
  });
}
