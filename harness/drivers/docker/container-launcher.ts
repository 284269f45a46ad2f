import { DrillbitError, errorMessage } from '../../errors.ts';
import { DeployRejectedError } from '../deploy-rejected-error.ts';
import type { ContainerSettings, DriverContext, ResolvedRelease } from '../driver.ts';
import { ReplicaBootError } from '../local/replica-process.ts';
import { ContainerGeneration } from './container-generation.ts';
import { ContainerReplica } from './container-replica.ts';
import type { DockerEngine } from './docker-engine.ts';
import type { AttemptNames } from './docker-names.ts';

/** What the launcher needs to know about the service a container belongs to. */
export interface ContainerTarget {
  service: string;
  volume: string;
  replicas: number;
  onUnexpectedExit: (replica: ContainerReplica) => void;
  /** `host:port` of each dependency as containers reach it. */
  dependencies: () => Record<string, string>;
  /** The service's settings beyond the release (compose). */
  container?: ContainerSettings;
  /** Secret env of the service (its scenario's `secrets`, read at run start): given to every replica, never written to any output. */
  secretEnv?: Readonly<Record<string, string>>;
  /** How a replica is started and made ready. Default `replica.launch` (dockerode, health GETs); compose dependencies use testcontainers. */
  launch?: (replica: ContainerReplica, signal: AbortSignal) => Promise<void>;
}

/**
 * Starts generations of containers healthy and stops them, keeping every container not
 * yet removed (known before it is created), so `removeAll` — queued on the teardown stack
 * before the first container exists — leaves nothing, and removes them all at once. A
 * generation that fails to become healthy is removed before the rejection is thrown (as
 * testcontainers removes a container that failed its wait strategy).
 */
export class ContainerLauncher {
  private readonly live = new Set<ContainerReplica>();
  /** Starts in progress: removal waits for them, so a create that answers late is not left behind. */
  private readonly starting = new Set<Promise<unknown>>();

  constructor(
    private readonly ctx: DriverContext,
    private readonly engine: DockerEngine,
    private readonly names: AttemptNames,
    private readonly stopTimeoutSeconds: number,
    /** Aborts every start in progress (the environment is going down, or the run was aborted). */
    private readonly closing: AbortSignal,
    /** The environment going down (only): exit watches end. */
    private readonly down?: AbortSignal,
  ) {}

  /** Every container of a release at once; the first failure removes them all and rejects the release. */
  async startGeneration(target: ContainerTarget, number: number, release: ResolvedRelease): Promise<ContainerGeneration> {
    const failed = new AbortController();
    const signal = AbortSignal.any([failed.signal, this.closing]);
    let firstError: unknown;
    const replicas = Array.from({ length: target.replicas }, (_, index) => this.replica(target, `${target.service}-g${number}-${index}`, release));
    const results = await Promise.allSettled(
      replicas.map((replica) =>
        this.track(target.launch ? target.launch(replica, signal) : replica.launch(signal)).catch((error: unknown) => {
          firstError ??= error;
          failed.abort();
          throw error;
        }),
      ),
    );
    if (results.every((r) => r.status === 'fulfilled')) return new ContainerGeneration(number, release, replicas);
    await Promise.all(replicas.map((replica) => this.remove(replica)));
    if (this.closing.aborted) throw new DrillbitError('aborted', `${target.service}: deploy of ${release.name} aborted`);
    if (!(firstError instanceof ReplicaBootError)) throw firstError;
    throw new DeployRejectedError(target.service, release.name, errorMessage(firstError));
  }

  /** Starts a replica that died again (see ContainerReplica.revive). */
  revive(replica: ContainerReplica, signal: AbortSignal): Promise<void> {
    return this.track(replica.revive(signal));
  }

  /** Graceful stop and removal of a generation's containers. */
  async retire(generation: ContainerGeneration): Promise<void> {
    await Promise.all(generation.replicas.map((replica) => this.stop(replica)));
  }

  async stop(replica: ContainerReplica): Promise<void> {
    try {
      await replica.stop();
    } catch (error) {
      this.ctx.log.warn(`docker: ${errorMessage(error)}`);
    } finally {
      this.live.delete(replica);
    }
  }

  /** Removes every container not yet removed, at once (SIGKILL), once the starts in progress (aborted by now) settled. */
  async removeAll(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.starting]), new Promise((resolve) => (timer = setTimeout(resolve, 10_000)))]);
    clearTimeout(timer);
    await Promise.all([...this.live].map((replica) => this.remove(replica)));
  }

  private track<T>(start: Promise<T>): Promise<T> {
    this.starting.add(start);
    const settled = () => void this.starting.delete(start);
    start.then(settled, settled);
    return start;
  }

  private async remove(replica: ContainerReplica): Promise<void> {
    try {
      await replica.dispose();
    } catch (error) {
      this.ctx.log.warn(`docker: ${errorMessage(error)}`);
    } finally {
      this.live.delete(replica);
    }
  }

  private replica(target: ContainerTarget, id: string, release: ResolvedRelease): ContainerReplica {
    const replica: ContainerReplica = new ContainerReplica({
      id,
      service: target.service,
      release,
      engine: this.engine,
      names: this.names,
      volume: target.volume,
      dependencies: target.dependencies(),
      timeline: this.ctx.timeline,
      log: this.ctx.log,
      stopTimeoutSeconds: this.stopTimeoutSeconds,
      onUnexpectedExit: () => target.onUnexpectedExit(replica),
      down: this.down,
      workDir: this.ctx.workDir,
      container: target.container,
      secretEnv: target.secretEnv,
    });
    this.live.add(replica);
    return replica;
  }
}
