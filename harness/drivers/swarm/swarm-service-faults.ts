import { DrillbitError } from '../../errors.ts';
import type { DriverContext } from '../driver.ts';
import type { HttpFaultRule, ProcessFaultSurface, ReplicaHandle } from '../fault-surface.ts';
import { ContainerExec } from '../docker/container-exec.ts';
import { engineError, isNotFound, type DockerEngine } from '../docker/docker-engine.ts';
import type { SwarmEnvironment, SwarmServiceState } from './swarm-environment.ts';
import type { TaskView } from './service-tasks.ts';
import { replicaIdOf, slotOf } from './task-observer.ts';
import { scaleService } from './swarm-undo.ts';
import { sleep } from '../../util/sleep.ts';

const REPLACE_TIMEOUT_MS = 45_000;

/**
 * Process faults on a swarm service: each replica is a task's container on this engine,
 * acted on through the engine (kill, pause, stop, exec). Swarm replaces a task whose
 * container died (restart policy `any`), so "replace" waits for the slot to run again;
 * a dependency outage scales the service to 0 and back.
 */
export class SwarmServiceFaults {
  constructor(
    private readonly engine: DockerEngine,
    private readonly env: SwarmEnvironment,
    private readonly ctx: DriverContext,
  ) {}

  surface(): ProcessFaultSurface {
    return {
      replicas: (service) => this.handles(service),
      replaceReplica: (service, replicaId) => this.replaceReplica(service, replicaId),
      stopService: (service) => this.scaleToZero(service),
      startService: (service) => this.scaleBack(service),
      dataDir: (service) => this.env.state(service).mountpoint,
      addHttpFault: (service, rule) => this.addHttpFault(service, rule),
      killReplica: (service, replicaId) => this.kill(service, replicaId),
      pauseReplica: async (service, replicaId) => {
        await this.engine.docker.getContainer(this.containerOf(service, replicaId)).pause().catch((e: unknown) => {
          throw engineError(`pause ${replicaId}`, e);
        });
      },
      resumeReplica: (service, replicaId) => this.resume(service, replicaId),
      stopReplica: (service, replicaId, graceMs) => this.stop(service, replicaId, graceMs),
      restartReplica: async (service, replicaId, graceMs) => {
        await this.stop(service, replicaId, graceMs);
        await this.replaceReplica(service, replicaId);
      },
      execInReplica: (service, replicaId, command) => ContainerExec.start(this.engine, this.containerOf(service, replicaId), command),
    };
  }

  private handles(service: string): ReplicaHandle[] {
    const state = this.env.state(service);
    const routed = new Set(state.proxy.upstreams.map((u) => u.id));
    return state.tasks.bySlot.flatMap((task) => {
      const pid = task.pid ?? task.lastPid;
      if (!task.containerId || pid === undefined) return [];
      const id = replicaIdOf(service, task);
      const alive = task.state === 'running' && task.desired === 'running' && !state.excluded.has(task.id);
      return [{ id, pid, pgid: pid, serving: alive && routed.has(id), alive, containerId: task.containerId, engine: this.engine.endpoint.url }];
    });
  }

  private async kill(service: string, replicaId: string): Promise<void> {
    const container = this.exclude(service, replicaId);
    await this.engine.docker.getContainer(container).kill({ signal: 'SIGKILL' }).catch((e: unknown) => {
      throw engineError(`kill ${replicaId}`, e);
    });
    await this.waitForExit(container, 5000);
  }

  /** `docker stop -t`: SIGTERM, SIGKILL after the grace. Swarm replaces the task after its restart delay. */
  private async stop(service: string, replicaId: string, graceMs: number): Promise<void> {
    const container = this.exclude(service, replicaId);
    await this.engine.docker.getContainer(container).stop({ t: Math.ceil(graceMs / 1000) }).catch((e: unknown) => {
      if (!isNotFound(e) && (e as { statusCode?: number }).statusCode !== 304) throw engineError(`stop ${replicaId}`, e);
    });
    await this.waitForExit(container, graceMs + 5000);
  }

  /** Thaws the container if it still exists, then waits for its slot to run (Swarm may have replaced it: a paused task fails its health check). */
  private async resume(service: string, replicaId: string): Promise<void> {
    const id = this.findTask(service, replicaId)?.containerId;
    if (id) await this.engine.docker.getContainer(id).unpause().catch(() => undefined); // not paused, or gone: nothing to undo
    await this.replaceReplica(service, replicaId, true);
  }

  /** Takes the replica's task out of the pool at once (passive health would take a poll); returns its container. */
  private exclude(service: string, replicaId: string): string {
    const state = this.env.state(service);
    const task = this.findTask(service, replicaId);
    const container = this.containerOf(service, replicaId);
    state.excluded.add(task!.id);
    this.env.route(state);
    return container;
  }

  private async waitForExit(container: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && (await this.engine.inspectContainer(container))?.State.Running) await sleep(50);
  }

  /** Waits until the replica's slot runs a task again (Swarm's replacement, after its restart delay). */
  private async replaceReplica(service: string, replicaId: string, healthy = false): Promise<void> {
    const state = this.env.state(service);
    const slot = slotOf(replicaId);
    if (slot === undefined || slot < 1 || slot > Math.max(state.spec.replicas, 1)) {
      throw new DrillbitError('bad-input', `${service} has no replica "${replicaId}"; it has: ${this.handles(service).map((r) => r.id).join(', ') || '(none)'}`);
    }
    await this.env.exclusive(state, () => this.env.waitForTasks(state, `slot ${slot} running again`, (t) => state.stoppedReplicas !== undefined || t.running.some((x) => x.slot === slot && !state.excluded.has(x.id) && !x.paused && (!healthy || x.health === undefined || x.health === 'healthy')), REPLACE_TIMEOUT_MS), 'skip');
  }

  /** Dependency outage: replicas 0 (the address answers 503), remembering how many there were. Idempotent. */
  private scaleToZero(service: string): Promise<void> {
    const state = this.env.state(service);
    return this.env.exclusive(state, async () => {
      if (state.stoppedReplicas !== undefined || !state.serviceId) return;
      state.stoppedReplicas = state.spec.replicas;
      this.env.route(state);
      await this.scale(state, 0);
      await this.env.waitForTasks(state, 'no task running', (t) => t.running.length === 0, 30_000);
      this.ctx.log.info(`swarm: ${service} scaled to 0`);
    }, 'skip') as Promise<void>;
  }

  private scaleBack(service: string): Promise<void> {
    const state = this.env.state(service);
    return this.env.exclusive(state, async () => {
      if (state.stoppedReplicas === undefined || !state.serviceId) return;
      const replicas = state.stoppedReplicas;
      await this.scale(state, replicas);
      state.stoppedReplicas = undefined;
      await this.env.waitForTasks(state, `${replicas} tasks running again`, (t) => t.running.length >= replicas, REPLACE_TIMEOUT_MS);
      this.ctx.log.info(`swarm: ${service} scaled back to ${replicas}`);
    }, 'skip') as Promise<void>;
  }

  private async scale(state: SwarmServiceState, replicas: number): Promise<void> {
    await scaleService(this.engine, state.swarmName, replicas).catch((e: unknown) => {
      throw engineError(`scale ${state.swarmName} to ${replicas}`, e);
    });
  }

  private addHttpFault(service: string, rule: HttpFaultRule): () => void {
    if (!(rule.share >= 0 && rule.share <= 1)) throw new DrillbitError('bad-input', `HTTP fault ${rule.id}: share must be within 0..1, got ${rule.share}`);
    return this.env.state(service).proxy.addFault(rule);
  }

  private findTask(service: string, replicaId: string): TaskView | undefined {
    return this.env.state(service).tasks.bySlot.find((t) => replicaIdOf(service, t) === replicaId);
  }

  private containerOf(service: string, replicaId: string): string {
    const task = this.findTask(service, replicaId);
    if (!task?.containerId || task.state !== 'running') throw new DrillbitError('internal', `${service}/${replicaId}: the task is not running (it failed, was replaced or shut down)`);
    return task.containerId;
  }
}
