import type { Scenario } from '../scenario/schema.ts';
import type { ResolvedRelease, StartedEnvironment } from '../drivers/driver.ts';
import type { CheckResult } from '../checks/check-result.ts';
import type { DataResult } from '../traffic/sample.ts';
import { join } from 'node:path';
import { SampleLog } from '../traffic/sample-log.ts';
import type { LkgComparison } from '../checks/lkg-equality-check.ts';
import type { Recovery } from '../verdict/results.ts';
import type { Timeline } from './timeline.ts';
import type { TeardownStack } from './teardown-stack.ts';
import type { Logger } from './logger.ts';
import type { SeededRandom } from '../util/seeded-random.ts';
import type { Guard } from '../guard/guard.ts';
import type { TrafficEngine } from '../traffic/traffic-engine.ts';
import { settleInFlight } from './traffic-phase.ts';
import { DrillbitError } from '../errors.ts';
import type { FaultRunner } from '../faults/fault-runner.ts';
import type { PlannedFault } from '../faults/fault-planner.ts';
import type { DrillRecorder } from '../ledger/drill-recorder.ts';
import type { PolicyRule } from '../policy/policy-rule.ts';
import type { GateSpec } from '../ledger/promotion-gate.ts';
import type { DrillHealth } from '../health/harness-health.ts';

/** Everything one scenario attempt knows while it runs; passed down, never global. */
export interface DrillContext {
  runId: string;
  scenario: Scenario;
  attempt: number;
  seed: number;
  random: SeededRandom;
  timeline: Timeline;
  teardown: TeardownStack;
  log: Logger;
  /** Fires on Ctrl-C / SIGTERM of the run, or when a stop condition ends the drill. */
  signal: AbortSignal;
  workDir: string;
}

/** The mutable state of a drill in progress, shared by the step executors. */
export class Drill {
  env: StartedEnvironment | undefined;
  guard: Guard | undefined;
  traffic: TrafficEngine | undefined;
  /** The harness's own health on this drill's timeline (event-loop stalls, CPU): checks read it to tell its lateness from the service's. */
  health: DrillHealth | undefined;
  readonly checks: CheckResult[] = [];
  /** Every request's sample, by column (sample-log.ts): the verifier's evidence, ~30 bytes a request, older chunks in the attempt's work dir. */
  readonly samples: SampleLog;
  /** The release each service's stable address serves, as the drill last made it. */
  readonly current = new Map<string, ResolvedRelease>();
  /** The last-known-good release per service: what a rollback restores and what verification expects. */
  readonly lkg = new Map<string, ResolvedRelease>();
  /** When the newest candidate of each service started rolling out (timeline ms). */
  readonly candidateSince = new Map<string, number>();
  /** Set when a stop condition (a guard with `then: abort`) ended the drill. */
  stopReason: string | undefined;
  /** Stabilization windows the verifier could not judge because the harness's own lateness could account for their SLO violations. */
  readonly saturatedWindows: { fromMs: number; toMs: number; reason: string }[] = [];
  /** Filled by the final checks. */
  finalLkg: Record<string, LkgComparison> = {};
  data: DataResult | undefined;
  recovery: Recovery | undefined;
  /** Every fault of the drill, planned from the seed before it starts. */
  faultPlan: PlannedFault[] = [];
  faults: FaultRunner | undefined;
  /** What the drill writes to the release ledger (and keeps, for the report's lineage). */
  recorder: DrillRecorder | undefined;
  /** Policy rules that run before every deploy (drillbit.config.* `policy`). */
  policy: readonly PolicyRule[] = [];
  /** Named promotion gates of the config. */
  gates: Readonly<Record<string, GateSpec>> = {};
  /** Digests promoted during this drill, by service: a rollback to one of them makes it the LKG again. */
  readonly promoted = new Map<string, Set<string>>();
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(
    readonly ctx: DrillContext,
    /** Resolved releases by service, then by the scenario's release name. */
    readonly releases: ReadonlyMap<string, ReadonlyMap<string, ResolvedRelease>>,
  ) {
    this.samples = new SampleLog({ spillFile: join(ctx.workDir, 'samples.spill') });
  }

  faultRunner(): FaultRunner {
    if (!this.faults) throw new DrillbitError('internal', 'faults are not set up');
    return this.faults;
  }

  environment(): StartedEnvironment {
    if (!this.env) throw new DrillbitError('internal', 'the environment is not up');
    return this.env;
  }

  release(service: string, name: string): ResolvedRelease {
    const release = this.releases.get(service)?.get(name);
    if (!release) throw new DrillbitError('internal', `release ${name} of ${service} was not resolved`);
    return release;
  }

  /** The scenario's release of a service with this digest (for messages that name releases, not only digests). */
  readonly releaseByDigest = (service: string, digest: string): ResolvedRelease | undefined => {
    for (const release of this.releases.get(service)?.values() ?? []) if (release.digest === digest) return release;
    return undefined;
  };

  lkgOf(service: string): ResolvedRelease {
    const release = this.lkg.get(service);
    if (!release) throw new DrillbitError('internal', `${service} has no last-known-good release yet: deploy one first`);
    return release;
  }

  /** Serializes deploys and rollbacks of one service (a guard may trip while a step deploys). */
  exclusive<T>(service: string, action: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(service) ?? Promise.resolve();
    const next = previous.then(action, action);
    this.locks.set(service, next.catch(() => undefined));
    return next;
  }

  /** Waits until requests already sent have completed, so a window's SLIs are complete. */
  settleInFlight(): Promise<void> {
    return settleInFlight(this);
  }

  addCheck(check: CheckResult): CheckResult {
    const decided = { ...check, tMs: check.tMs ?? Math.round(this.ctx.timeline.now()) };
    this.checks.push(decided);
    this.ctx.timeline.emit('check', { name: decided.name, status: decided.status, message: decided.message });
    return decided;
  }
}
