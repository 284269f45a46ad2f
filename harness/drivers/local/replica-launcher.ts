import { DrillbitError, errorMessage } from '../../errors.ts';
import { DeployRejectedError } from '../deploy-rejected-error.ts';
import type { DriverContext, ResolvedRelease } from '../driver.ts';
import { Generation } from './generation.ts';
import type { PortAllocator } from './port-allocator.ts';
import { ReplicaBootError, ReplicaProcess } from './replica-process.ts';
import type { Containment } from '../../process/containment.ts';

/** What the launcher needs to know about the service a replica belongs to. */
export interface LaunchTarget {
  service: string;
  dataDir: string;
  replicas: number;
  /** Called when one of its replicas exits without being asked to. */
  onUnexpectedExit: (replica: ReplicaProcess) => void;
  /** `host:port` of each service it depends on, for `{url:<name>}` and `{addr:<name>}`. */
  dependencies?: () => Record<string, string>;
  /** Secret env of the service (its scenario's `secrets`, read at run start): given to every replica, never written to any output. */
  secretEnv?: Readonly<Record<string, string>>;
}

export interface ReplicaLauncherOptions {
  ports: PortAllocator;
  baseEnv: Readonly<Record<string, string>>;
  stopGraceMs?: number;
  logLimitBytes?: number;
  containment?: Containment;
}

/**
 * Starts replicas healthy and stops them, keeping every replica not yet stopped (each
 * with its teardown entry, queued before it spawns) so that `stopAll` leaves nothing.
 */
export class ReplicaLauncher {
  /** Every replica not yet stopped, with the stop that also settles its teardown entry. */
  private readonly running = new Map<ReplicaProcess, () => Promise<void>>();

  constructor(
    private readonly ctx: DriverContext,
    private readonly options: ReplicaLauncherOptions,
    /** Aborts every start in progress (the environment is going down, or the run was aborted). */
    private readonly closing: AbortSignal,
  ) {}

  /** Starts every replica of a release at once; the first failure stops them all and rejects the release. */
  async startGeneration(target: LaunchTarget, number: number, release: ResolvedRelease): Promise<Generation> {
    const failed = new AbortController();
    const signal = AbortSignal.any([failed.signal, this.closing]);
    let firstError: unknown;
    const launches = Array.from({ length: target.replicas }, (_, index) =>
      this.launch(target, `${target.service}-g${number}-${index}`, release, signal).catch((error: unknown) => {
        firstError ??= error;
        failed.abort();
        throw error;
      }),
    );
    const results = await Promise.allSettled(launches);
    const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    if (firstError === undefined) return new Generation(number, release, started);
    await Promise.all(started.map((replica) => this.stop(replica)));
    if (this.closing.aborted) throw new DrillbitError('aborted', `${target.service}: deploy of ${release.name} aborted`);
    throw new DeployRejectedError(target.service, release.name, errorMessage(firstError));
  }

  /** One replica, healthy; started once more on another port if it lost a race for its port. */
  async launch(target: LaunchTarget, id: string, release: ResolvedRelease, signal: AbortSignal = this.closing): Promise<ReplicaProcess> {
    for (let attempt = 1; ; attempt++) {
      const port = await this.options.ports.allocate();
      if (signal.aborted) throw new ReplicaBootError(`replica ${id}: start aborted`);
      const replica: ReplicaProcess = new ReplicaProcess({
        id, service: target.service, release, port, dataDir: target.dataDir,
        workDir: this.ctx.workDir, runId: this.ctx.runId, baseEnv: this.options.baseEnv,
        timeline: this.ctx.timeline, log: this.ctx.log,
        stopGraceMs: this.options.stopGraceMs, logLimitBytes: this.options.logLimitBytes,
        onUnexpectedExit: () => target.onUnexpectedExit(replica),
        dependencies: target.dependencies?.() ?? {},
        secretEnv: target.secretEnv,
        containment: this.options.containment,
      });
      const graceMs = this.options.stopGraceMs ?? 2000;
      this.running.set(replica, this.ctx.teardown.defer(`local: stop replica ${id}`, () => replica.stop(), { deadlineMs: graceMs + 10_000 }));
      try {
        replica.start();
        await replica.waitHealthy(signal);
        await replica.recorded();
        return replica;
      } catch (error) {
        await this.stop(replica);
        if (error instanceof ReplicaBootError && error.addressInUse && attempt === 1 && !signal.aborted) continue;
        throw error;
      }
    }
  }

  /** Stops a replica (its whole process group) and settles its teardown entry; logs, never throws. */
  async stop(replica: ReplicaProcess): Promise<void> {
    const stop = this.running.get(replica) ?? (() => replica.stop());
    this.running.delete(replica);
    try {
      await stop();
    } catch (error) {
      this.ctx.log.warn(`local: ${errorMessage(error)}`);
    }
  }

  async retire(generation: Generation): Promise<void> {
    await Promise.all(generation.replicas.map((replica) => this.stop(replica)));
  }

  /** Stops every replica not yet stopped. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.running.keys()].map((replica) => this.stop(replica)));
  }
}
