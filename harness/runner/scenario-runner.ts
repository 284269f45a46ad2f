import { mkdir } from 'node:fs/promises';
import type { Digest, Driver, EnvironmentSpec, ResolvedRelease } from '../drivers/driver.ts';
import { environmentSpec } from './environment-spec.ts';
import type { LoadedScenario } from '../scenario/scenario-loader.ts';
import { DrillbitError, errorMessage } from '../errors.ts';
import { SeededRandom } from '../util/seeded-random.ts';
import { Guard, type GuardTrip } from '../guard/guard.ts';
import { MetricsAnalysis } from '../guard/metrics-analysis.ts';
import { failed } from '../checks/check-result.ts';
import type { ScenarioResult } from '../verdict/results.ts';
import { buildScenarioResult } from '../verdict/scenario-result-builder.ts';
import { Drill, type DrillContext } from './drill.ts';
import { TeardownStack } from './teardown-stack.ts';
import { Timeline, type TimelineEvent } from './timeline.ts';
import type { Logger } from './logger.ts';
import { rollbackService } from './rollback-action.ts';
import { describeStep, runStep } from './steps/step-registry.ts';
import { stopTraffic } from './traffic-phase.ts';
import { finishDrill } from './final-checks.ts';
import { join } from 'node:path';
import { planFaults } from '../faults/fault-planner.ts';
import { FaultJournal } from '../faults/fault-journal.ts';
import { FaultRunner } from '../faults/fault-runner.ts';
import { faultsCheck } from '../checks/faults-check.ts';
import { DrillRecorder } from '../ledger/drill-recorder.ts';
import { validateEntry } from '../ledger/validation-entry.ts';
import { drillLineage } from '../ledger/lineage.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { RegisterEntry, SealedEntry } from '../ledger/ledger-entry.ts';
import type { PolicyRule } from '../policy/policy-rule.ts';
import type { GateSpec } from '../ledger/promotion-gate.ts';
import { HarnessHealth } from '../health/harness-health.ts';
import { reportProgress, type AttemptProgress } from './attempt-progress.ts';

export interface ScenarioRunInput {
  loaded: LoadedScenario;
  attempt: number;
  seed: number;
  runId: string;
  driver: Driver;
  /** Releases resolved before anything started, by service and release name. */
  releases: ReadonlyMap<string, ReadonlyMap<string, ResolvedRelease>>;
  /** The environment the driver builds (environment-preflight.ts). Default: the scenario's services. */
  environment?: EnvironmentSpec;
  workDir: string;
  signal: AbortSignal;
  log: Logger;
  onEvent?: (event: TimelineEvent) => void;
  /** About twice a second while the attempt runs: its traffic counts and step (attempt-progress.ts). */
  onProgress?: (progress: AttemptProgress) => void;
  /** The release ledger the drill records deploys, promotions and rollbacks in; none: kept in memory only. */
  ledger?: Ledger;
  /** Registrations of the run's releases, by `service\0digest` (release-registry.ts). */
  registrations?: ReadonlyMap<string, SealedEntry & RegisterEntry>;
  /** Policy rules run before every deploy. */
  policy?: readonly PolicyRule[];
  /** Named promotion gates of the config. */
  gates?: Readonly<Record<string, GateSpec>>;
  /** Services whose LKG is the ledger's: the scenario's name for that release (ledger-lkg-preflight.ts). */
  lkgFromLedger?: ReadonlyMap<string, string>;
  /** The process's health monitor, shared by the drills running at once; default: one of the attempt's own. */
  health?: HarnessHealth;
}

/**
 * Runs one attempt of one scenario: environment up, steps, final checks, teardown.
 * Teardown runs whatever happens (success, failed check, exception, abort), and the
 * result is always returned — a drill never ends without a verdict.
 */
export async function runScenario(input: ScenarioRunInput): Promise<ScenarioResult> {
  const { scenario } = input.loaded;
  const timeline = new Timeline();
  if (input.onEvent) timeline.subscribe(input.onEvent);
  const stopCondition = new AbortController();
  const ctx: DrillContext = {
    runId: input.runId,
    scenario,
    attempt: input.attempt,
    seed: input.seed,
    random: new SeededRandom(input.seed),
    timeline,
    teardown: new TeardownStack(),
    log: input.log,
    signal: AbortSignal.any([input.signal, stopCondition.signal]),
    workDir: input.workDir,
  };
  const drill = new Drill(ctx, input.releases);
  drill.health = (input.health ?? new HarnessHealth()).session(timeline.originMs);
  drill.recorder = new DrillRecorder({ runId: input.runId, scenario: scenario.name, attempt: input.attempt, driver: input.driver.name }, input.ledger, input.registrations);
  drill.policy = input.policy ?? [];
  drill.gates = input.gates ?? {};
  drill.faultPlan = planFaults(scenario, ctx.random.derive('faults'));
  presetDeclaredLkgs(drill, input.lkgFromLedger);
  const stopProgress = input.onProgress ? reportProgress(timeline, drill.samples, scenario.steps, input.onProgress) : () => {};
  timeline.emit('run-start', { message: scenario.name, attempt: input.attempt, seed: input.seed });

  let error: unknown;
  try {
    await mkdir(input.workDir, { recursive: true });
    await bringUp(drill, input.driver, stopCondition, input.environment ?? environmentSpec(scenario));
    for (const [index, step] of scenario.steps.entries()) {
      const description = describeStep(step);
      timeline.emit('step-start', { step: index, message: description });
      await runStep(step, drill, index);
      timeline.emit('step-end', { step: index, message: description });
    }
    await finishDrill(drill);
  } catch (caught) {
    error = caught;
  }
  stopProgress();
  await stopTraffic(drill).catch((e: unknown) => timeline.emit('error', { message: `stopping traffic: ${errorMessage(e)}` }));
  if (drill.stopReason) drill.addCheck(failed('stop condition', drill.stopReason));
  const teardownFailures = await ctx.teardown.runAll();
  if (drill.faults) drill.addCheck(faultsCheck(drill.faults.records));
  for (const failure of teardownFailures) timeline.emit('error', { message: `cleanup ${failure.name} failed: ${failure.error}` });
  const aborted = input.signal.aborted;
  if (error && !aborted && !drill.stopReason) timeline.emit('error', { message: errorMessage(error) });
  timeline.emit(aborted ? 'abort' : 'run-end', { message: aborted ? 'interrupted' : undefined });
  const spillFailed = drill.samples.spillState().failed;
  if (spillFailed) ctx.log.warn(`samples stayed in memory: the spill file could not be written (${spillFailed})`);
  let result: ScenarioResult;
  try {
    result = buildScenarioResult({ drill, loaded: input.loaded, error: drill.stopReason ? undefined : error, aborted, teardownFailures });
  } finally {
    drill.health.close();
    drill.samples.close();
  }
  return recordVerdict(drill, result);
}

/** The verdict goes to the ledger (a validate entry), and the drill's lineage into the result. */
async function recordVerdict(drill: Drill, result: ScenarioResult): Promise<ScenarioResult> {
  const recorder = drill.recorder!;
  await recorder.settled();
  try {
    if (recorder.entries.length > 0) await recorder.record(validateEntry(result, recorder.entries, recorder.identity.driver));
  } catch (error) {
    recorder.failures.push(errorMessage(error));
  }
  for (const failure of recorder.failures) result.reasons.push(`the ledger could not record an entry: ${failure}`);
  const lineage = drillLineage(recorder.entries, (service, digest) => recorder.registration(service, digest as Digest));
  return Object.keys(lineage).length ? { ...result, lineage } : result;
}

async function bringUp(drill: Drill, driver: Driver, stopCondition: AbortController, spec: EnvironmentSpec): Promise<void> {
  const { ctx } = drill;
  ctx.teardown.defer('environment down', () => drill.env?.down(), { deadlineMs: 30_000 });
  const driverRandom = ctx.random.derive('driver');
  drill.env = await driver.up(spec, { runId: ctx.runId, workDir: ctx.workDir, timeline: ctx.timeline, teardown: ctx.teardown, log: ctx.log, signal: ctx.signal, random: () => driverRandom.next() });
  ctx.timeline.emit('env-up', { message: `${driver.name} environment with ${Object.keys(spec.services).join(', ')}` });
  startFaults(drill);
  if (ctx.scenario.guard) startGuard(drill, stopCondition);
}

/** The fault runner and its journal; scheduled faults fire on the drill's timeline, alongside the steps. */
function startFaults(drill: Drill): void {
  const { ctx } = drill;
  if (drill.faultPlan.length === 0) return;
  const journal = new FaultJournal(join(ctx.workDir, 'faults.ndjson'));
  ctx.teardown.defer('close the fault journal', () => journal.close());
  const runner = new FaultRunner({ env: () => drill.environment(), timeline: ctx.timeline, teardown: ctx.teardown, journal, log: ctx.log, signal: ctx.signal, random: ctx.random.derive('fault-runner'), workDir: ctx.workDir });
  drill.faults = runner;
  for (const planned of drill.faultPlan) {
    if (planned.atMs !== undefined) runner.schedule(planned);
  }
}

function startGuard(drill: Drill, stopCondition: AbortController): void {
  const { ctx } = drill;
  const spec = ctx.scenario.guard!;
  const onTrip = async (trip: GuardTrip) => {
    if (spec.then === 'abort') {
      drill.stopReason = `guard stop condition on ${trip.service}: ${trip.message}`;
      stopCondition.abort(new DrillbitError('aborted', drill.stopReason));
      return;
    }
    try {
      await rollbackService(drill, trip.service, drill.lkgOf(trip.service), { planned: false, reason: `guard: ${trip.message}` });
    } catch (error) {
      drill.addCheck(failed(`guard rollback of ${trip.service}`, errorMessage(error)));
    }
  };
  const extraAnalyses = spec.metrics ? [new MetricsAnalysis(spec.metrics, (service) => servingReplicaAddresses(drill, service))] : [];
  const guard = new Guard({ spec, timeline: ctx.timeline, samples: drill.samples, log: ctx.log, onTrip, extraAnalyses });
  drill.guard = guard;
  ctx.teardown.defer('stop guard', () => guard.stop());
  guard.start();
}

async function servingReplicaAddresses(drill: Drill, service: string): Promise<{ id: string; url: URL }[]> {
  const observed = (await drill.environment().observe())[service];
  return (observed?.replicas ?? []).filter((r) => r.serving && r.address).map((r) => ({ id: r.id, url: r.address! }));
}

function presetDeclaredLkgs(drill: Drill, fromLedger: ReadonlyMap<string, string> = new Map()): void {
  for (const [service, spec] of Object.entries(drill.ctx.scenario.services)) {
    const name = fromLedger.get(service) ?? spec.lkg;
    if (name) drill.lkg.set(service, drill.release(service, name));
    // The ledger's LKG has passed a gate: a rollback to it keeps it the LKG.
    if (fromLedger.has(service)) drill.promoted.set(service, new Set([drill.release(service, name!).digest]));
  }
}
