import { mkdir } from 'node:fs/promises';
import { DrillbitError, errorMessage } from '../../errors.ts';
import { sleep } from '../../util/sleep.ts';
import { DeployRejectedError } from '../deploy-rejected-error.ts';
import { CLIENT, type DriverContext, type EnvironmentSpec, type ObservedService, type ResolvedRelease, type ServiceEnvironmentSpec, type StartedEnvironment } from '../driver.ts';
import type { NetworkFaultSurface, OrchestratorFaultSurface, ProcessFaultSurface } from '../fault-surface.ts';
import { BridgeLinks } from '../docker/bridge-links.ts';
import { assertDependenciesExist, dependencyLinks, linkUpstream } from '../link-upstream.ts';
import { engineError, isConflict, type DockerEngine } from '../docker/docker-engine.ts';
import { LABELS } from '../docker/docker-names.ts';
import { removeLabelled, writeAttemptRecord } from '../docker/labelled-resources.ts';
import { sharedVolumeName, sharedVolumes } from '../docker/container-settings.ts';
import { startInDependencyOrder } from '../docker/dependency-container.ts';
import { FrontProxy } from '../local/front-proxy.ts';
import { removeLabelledServices } from './labelled-services.ts';
import { serviceSpec, type HealthProbe } from './service-spec.ts';
import { pollTasks, ServiceTasks, type TaskView } from './service-tasks.ts';
import { serviceNameClashes, SwarmNames } from './swarm-names.ts';
import { orchestratorFaults } from './swarm-orchestrator-faults.ts';
import { SwarmServiceFaults } from './swarm-service-faults.ts';
import { observeTask, replicaIdOf } from './task-observer.ts';
import { inspectService, watchUpdate, type ServiceInfo, type UpdateOutcome } from './update-watcher.ts';

export interface SwarmEnvironmentOptions {
  engine: DockerEngine;
  probe: HealthProbe;
  /** Where task containers reach the host (the default bridge's gateway): dependency links listen there. */
  gateway: string;
  /** SIGTERM → SIGKILL grace of a task's container, ms. Default 2000. */
  stopGraceMs?: number;
  /** How often each service's tasks are polled, ms. Default 150. */
  pollMs?: number;
  /** Swarm's own update, rollback and health-check defaults instead of the drill's (for the bench). */
  swarmDefaults?: boolean;
}

export interface SwarmServiceState {
  name: string;
  spec: ServiceEnvironmentSpec;
  swarmName: string;
  proxy: FrontProxy;
  volume: string;
  mountpoint: string;
  tasks: ServiceTasks;
  serviceId?: string;
  /** Set while a dependency outage scaled the service to 0: the replicas to bring back. */
  stoppedReplicas?: number;
  /** After a harness-driven rollback: the image the front proxy routes to while any task runs it (Swarm still stopping the candidate's). */
  preferImage?: string;
  /** Tasks a fault killed or stopped: out of the pool at once, before the manager reports them gone. */
  excluded: Set<string>;
  queue: Promise<unknown>;
}

/**
 * Services as Swarm services, one per scenario service, each behind its own front proxy
 * on the host that routes to the published host port of every running task. Deploys are
 * `service update`s with an explicit update config and a health check in the spec, so
 * Swarm itself rolls a failing update back; rollback() is `rollback=previous`, or an update
 * to the LKG's spec. What runs is read from the manager's tasks and their containers.
 */
export class SwarmEnvironment implements StartedEnvironment {
  readonly services = new Map<string, SwarmServiceState>();
  private readonly names: SwarmNames;
  private readonly links: BridgeLinks;
  private readonly closing = new AbortController();
  private readonly releasesByImage = new Map<string, ResolvedRelease>();
  private readonly pollers: (() => Promise<void>)[] = [];
  private downing: Promise<void> | undefined;
  private readonly faults: SwarmServiceFaults;

  readonly networkFaults: NetworkFaultSurface;
  readonly processFaults: ProcessFaultSurface;
  readonly orchestratorFaults: OrchestratorFaultSurface;

  private constructor(
    private readonly ctx: DriverContext,
    private readonly options: SwarmEnvironmentOptions,
  ) {
    this.names = new SwarmNames(ctx.runId, ctx.workDir);
    this.links = new BridgeLinks(ctx);
    this.networkFaults = { inboundLinks: (s) => this.links.inboundLinks(s), link: (from, to) => this.links.link(from, to) };
    this.faults = new SwarmServiceFaults(options.engine, this, ctx);
    this.processFaults = this.faults.surface();
    this.orchestratorFaults = orchestratorFaults(options.engine, this, ctx);
  }

  get engine(): DockerEngine {
    return this.options.engine;
  }

  get signal(): AbortSignal {
    return AbortSignal.any([this.closing.signal, this.ctx.signal]);
  }

  static async start(spec: EnvironmentSpec, ctx: DriverContext, options: SwarmEnvironmentOptions): Promise<SwarmEnvironment> {
    const env = new SwarmEnvironment(ctx, options);
    ctx.teardown.defer('swarm: environment down', () => env.down(), { deadlineMs: 30_000 });
    try {
      await env.startServices(spec);
    } catch (error) {
      await env.down().catch((e: unknown) => ctx.log.warn(`swarm: ${errorMessage(e)}`));
      throw error;
    }
    return env;
  }

  private async startServices(spec: EnvironmentSpec): Promise<void> {
    const { engine } = this.options;
    assertDependenciesExist(spec);
    const clashes = serviceNameClashes(Object.keys(spec.services));
    if (clashes.length) throw new DrillbitError('bad-input', clashes.join('; '));
    await mkdir(this.ctx.workDir, { recursive: true });
    await writeAttemptRecord(this.ctx.workDir, { engine: engine.endpoint.url, runId: this.ctx.runId, attempt: this.names.key, network: '' });
    // Compose named volumes (other than a service's {dataDir}): one per attempt, shared, labelled like the rest.
    for (const volume of sharedVolumes(spec).map((v) => sharedVolumeName(this.names, v))) {
      this.ctx.teardown.defer(`swarm: remove volume ${volume}`, () => engine.removeVolume(volume));
      await engine.createVolume(volume, this.names.labels());
    }
    for (const [name, serviceSpec] of Object.entries(spec.services)) {
      const volume = this.names.volume(name);
      this.ctx.teardown.defer(`swarm: remove volume ${volume}`, () => engine.removeVolume(volume));
      const mountpoint = await engine.createVolume(volume, this.names.serviceLabels(name));
      const proxy = new FrontProxy(name);
      this.ctx.teardown.defer(`swarm: front proxy of ${name}`, () => proxy.close());
      const swarmName = this.names.service(name);
      const tasks = new ServiceTasks(engine, name, swarmName, this.ctx.timeline, (image) => this.releasesByImage.get(image)?.digest);
      const state: SwarmServiceState = { name, spec: serviceSpec, swarmName, proxy, volume, mountpoint, tasks, excluded: new Set(), queue: Promise.resolve() };
      this.services.set(name, state);
      await proxy.listen();
    }
    await this.links.start([...(spec.links ?? []), ...dependencyLinks(spec)], this.options.gateway, (to) => linkUpstream(spec, to, (service) => this.state(service).proxy.url));
    this.ctx.teardown.defer('swarm: link proxies', () => this.links.close());
    // After the volumes' removals (so it runs before them): services go first, their containers with them.
    this.ctx.teardown.defer(`swarm: remove the services of attempt ${this.names.key}`, () => this.down(), { deadlineMs: 30_000 });
    await this.startDependencies(spec);
  }

  /**
   * Dependencies the environment starts itself (`startWith`: compose services no step
   * deploys) as Swarm services of their compose image, one task each, judged by their
   * compose health check; ready before `up()` resolves, in dependsOn order.
   */
  private async startDependencies(spec: EnvironmentSpec): Promise<void> {
    await startInDependencyOrder(spec, async (name) => {
      const state = this.state(name);
      await this.exclusive(state, () => this.create(state, spec.services[name]!.startWith!));
      this.ctx.log.info(`swarm: dependency ${name} is up (${spec.services[name]!.startWith!.source})`);
    });
  }

  async deploy(service: string, release: ResolvedRelease): Promise<void> {
    const state = this.deployable(service, release);
    await this.exclusive(state, () => (state.serviceId ? this.update(state, release) : this.create(state, release)));
  }

  async rollback(service: string, to: ResolvedRelease): Promise<void> {
    const state = this.deployable(service, to);
    await this.exclusive(state, async () => {
      if (!state.serviceId) return this.create(state, to);
      const info = await inspectService(this.engine.docker, state.serviceId);
      const running = state.tasks.running;
      if (info.Spec.TaskTemplate.ContainerSpec.Image === to.image!.id && running.length === this.replicasOf(state) && running.every((t) => t.image === to.image!.id)) return;
      if (info.PreviousSpec?.TaskTemplate.ContainerSpec.Image === to.image!.id && !state.stoppedReplicas) {
        this.ctx.log.info(`swarm: ${service}: rollback=previous to ${to.name} (${to.digest.slice(0, 19)})`);
        return this.rollbackToPrevious(state, info, to);
      }
      this.ctx.log.info(`swarm: ${service}: the previous spec is not ${to.name}; updating to it`);
      await this.update(state, to);
    });
  }

  async observe(): Promise<Record<string, ObservedService>> {
    const observed: Record<string, ObservedService> = {};
    await Promise.all(
      [...this.services.values()].map(async (state) => {
        const tasks = await state.tasks.refresh().then(() => state.tasks.live, () => state.tasks.live);
        this.route(state);
        const routedPorts = new Set(state.proxy.upstreams.map((u) => u.port));
        const isRouted = (task: TaskView) => task.hostPort !== undefined && routedPorts.has(task.hostPort);
        const routedSlots = new Set(tasks.filter(isRouted).map((t) => `${t.slot}|${t.image}`));
        // Serving: routed now, or a task Swarm is still bringing up to take traffic in its slot — a half-done update's
        // candidate counts; a second task of the image that already serves the slot (a restart racing a rollback) does not.
        const serving = (task: TaskView) => isRouted(task) || (task.state !== 'running' && state.stoppedReplicas === undefined && !routedSlots.has(`${task.slot}|${task.image}`));
        observed[state.name] = { replicas: await Promise.all(tasks.map((task) => observeTask(state, task, serving(task), this.releasesByImage.get(task.image), this.dependencyAddresses(state.name, state.spec.dependsOn ?? [])))) };
      }),
    );
    return observed;
  }

  address(service: string): URL {
    const viaLink = this.links.address(CLIENT, service);
    return viaLink ? new URL(`http://${viaLink}`) : this.state(service).proxy.url;
  }

  down(): Promise<void> {
    this.downing ??= this.removeEverything();
    return this.downing;
  }

  /** Serialized per service, after what is queued; once down, it throws (or resolves without running: `skip`). */
  exclusive<T>(state: SwarmServiceState, operation: () => Promise<T>, whenDown: 'throw' | 'skip' = 'throw'): Promise<T | undefined> {
    const result = state.queue.then(() => {
      if (!this.downing) return operation();
      if (whenDown === 'skip') return undefined;
      throw new DrillbitError('internal', `the swarm environment is down; ${state.name} cannot change`);
    });
    state.queue = result.catch(() => undefined);
    return result;
  }

  state(service: string): SwarmServiceState {
    const state = this.services.get(service);
    if (!state) throw new DrillbitError('bad-input', `unknown service "${service}"; this environment has: ${[...this.services.keys()].join(', ') || '(none)'}`);
    return state;
  }

  /** Routes the front proxy to every running task (none during an outage). */
  route(state: SwarmServiceState): void {
    const live = state.tasks.running.filter((t) => !state.excluded.has(t.id));
    const preferred = live.filter((t) => t.image === state.preferImage);
    const routed = preferred.length ? preferred : live;
    state.proxy.setPool(state.stoppedReplicas !== undefined ? [] : routed.map((t) => ({ id: replicaIdOf(state.name, t), port: t.hostPort! })));
  }

  replicasOf(state: SwarmServiceState): number {
    return state.spec.replicas;
  }

  /** Re-reads the tasks and routes, until `done(tasks)` or the deadline; `failed(tasks)` returning a reason ends it early. */
  async waitForTasks(state: SwarmServiceState, what: string, done: (tasks: ServiceTasks) => boolean, timeoutMs: number, failed?: (tasks: ServiceTasks) => string | undefined): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await state.tasks.refresh();
      this.route(state);
      if (done(state.tasks)) return;
      const reason = failed?.(state.tasks);
      if (reason) throw new DeployRejectedError(state.name, what, reason);
      if (Date.now() > deadline) throw new DrillbitError('timeout', `swarm: ${state.name}: ${what} not reached within ${Math.round(timeoutMs / 1000)} s`, { hint: `docker service ps ${state.swarmName}` });
      await sleep(100, this.signal);
    }
  }

  private async create(state: SwarmServiceState, release: ResolvedRelease): Promise<void> {
    this.releasesByImage.set(release.image!.id, release);
    const spec = this.specFor(state, release, state.stoppedReplicas === undefined ? this.replicasOf(state) : 0);
    try {
      const created = (await this.engine.docker.createService(spec as never)) as { id?: string; ID?: string };
      state.serviceId = created.id ?? created.ID;
    } catch (error) {
      if (isConflict(error)) throw new DrillbitError('bad-input', `swarm: a service named ${state.swarmName} already exists`, { hint: `another run uses it; remove it (docker service rm ${state.swarmName}) or run drillbit clean` });
      throw engineError(`create service ${state.swarmName}`, error);
    }
    const stop = pollTasks(state.tasks, this.options.pollMs ?? 150, () => this.route(state), (m) => this.ctx.log.warn(m));
    this.pollers.push(stop);
    try {
      await this.waitForRelease(state, release, (tasks) => this.firstFailure(tasks, release));
    } catch (error) {
      if (!(error instanceof DeployRejectedError)) throw error;
      // The first release never served: nothing of it may keep restarting.
      await this.engine.docker.getService(state.serviceId!).update({ _query: { version: (await inspectService(this.engine.docker, state.serviceId!)).Version.Index }, _body: this.specFor(state, release, 0) } as never).catch(() => undefined);
      throw error;
    }
  }

  /** A rolling update to `release`, judged by Swarm: completed, rolled back (rejected), or paused (left half-updated). */
  /**
   * `rollback=previous`. Done once every slot runs an LKG task: from then the front proxy routes
   * to the LKG's tasks only, while Swarm stops the candidate's (its rollback is followed on, and
   * its events go on the timeline). Swarm has no warm release, so this is a task start and a
   * health check; waiting for its `rollback_completed` too would add its monitor and the stops.
   */
  private async rollbackToPrevious(state: SwarmServiceState, info: ServiceInfo, to: ResolvedRelease): Promise<void> {
    state.preferImage = to.image!.id;
    const want = this.replicasOf(state);
    const watch = this.changeService(state, info, undefined, 'previous');
    const lkgRuns = this.waitForTasks(state, `${to.name} on every slot`, (t) => t.running.filter((x) => x.image === to.image!.id && !state.excluded.has(x.id)).length >= want, 60_000).then(() => 'lkg' as const);
    lkgRuns.catch(() => undefined);
    const first = await Promise.race([watch, lkgRuns]);
    if (first === 'lkg') {
      watch.then(
        (outcome) => outcome.state !== 'rollback_completed' && this.ctx.log.warn(`swarm: the rollback of ${state.name} ended ${outcome.state}: ${outcome.message}`),
        (error: unknown) => this.closing.signal.aborted || this.ctx.log.warn(`swarm: following the rollback of ${state.name}: ${errorMessage(error)}`),
      );
      return;
    }
    if (first.state === 'rollback_completed' || first.state === 'completed') return this.waitForRelease(state, to);
    throw new DrillbitError('internal', `swarm: the rollback of ${state.name} ended ${first.state}: ${first.message}`);
  }

  private async update(state: SwarmServiceState, release: ResolvedRelease): Promise<void> {
    state.preferImage = undefined;
    this.releasesByImage.set(release.image!.id, release);
    const info = await inspectService(this.engine.docker, state.serviceId!);
    const spec = this.specFor(state, release, state.stoppedReplicas === undefined ? this.replicasOf(state) : 0);
    if (sameTaskTemplate(info.Spec, spec)) return this.waitForRelease(state, release);
    const outcome = await this.changeService(state, info, spec);
    if (outcome.state === 'completed') return this.waitForRelease(state, release);
    if (outcome.state === 'rollback_completed') {
      const previous = info.Spec.TaskTemplate.ContainerSpec.Image;
      await this.waitForTasks(state, 'the previous release running again', (t) => t.running.length >= this.replicasOf(state) && t.running.every((x) => x.image === previous), 60_000).catch((e: unknown) => this.ctx.log.warn(errorMessage(e)));
      throw new DeployRejectedError(state.name, release.name, `Swarm rolled the update back (failure action rollback): ${outcome.message}`);
    }
    if (outcome.state === 'rollback_paused') throw new DeployRejectedError(state.name, release.name, `Swarm's automatic rollback paused: ${outcome.message}`);
    // paused (failure action pause): Swarm leaves the service half-updated, and so does the drill.
    this.ctx.log.warn(`swarm: the update of ${state.name} to ${release.name} is paused (failure action pause): ${outcome.message}; nothing rolls it back`);
  }

  /** Posts an update (a new spec, or `rollback=previous`) and follows it to its end. */
  private async changeService(state: SwarmServiceState, info: ServiceInfo, spec: Record<string, unknown> | undefined, rollback?: 'previous'): Promise<UpdateOutcome> {
    const query: Record<string, unknown> = { version: info.Version.Index, ...(rollback ? { rollback } : {}) };
    await this.engine.docker.getService(state.serviceId!).update({ _query: query, _body: spec ?? info.Spec } as never).catch((error: unknown) => {
      throw engineError(`update service ${state.swarmName}`, error);
    });
    return watchUpdate(this.engine.docker, state.serviceId!, { service: state.name, timeline: this.ctx.timeline, startedBefore: info.UpdateStatus?.StartedAt, timeoutMs: 60_000 + 15_000 * this.replicasOf(state), signal: this.signal, by: rollback ? 'harness' : 'orchestrator' });
  }

  /** Every wanted task runs `release` (and nothing else runs). */
  private waitForRelease(state: SwarmServiceState, release: ResolvedRelease, failed?: (tasks: ServiceTasks) => string | undefined): Promise<void> {
    const want = state.stoppedReplicas === undefined ? this.replicasOf(state) : 0;
    const timeoutMs = release.manifest.health.timeoutMs + 30_000;
    return this.waitForTasks(state, `${release.name} on every task`, (t) => t.running.length === want && t.running.every((x) => x.image === release.image!.id), timeoutMs, failed);
  }

  /** A task of `release` that failed to start or to get healthy, with its container's last log lines. */
  private firstFailure(tasks: ServiceTasks, release: ResolvedRelease): string | undefined {
    const failed = tasks.all.find((t: TaskView) => t.image === release.image!.id && (t.state === 'failed' || t.state === 'rejected'));
    return failed ? `task ${failed.id.slice(0, 12)} (slot ${failed.slot}) ${failed.state}: ${failed.error ?? failed.message ?? ''}` : undefined;
  }

  specFor(state: SwarmServiceState, release: ResolvedRelease, replicas: number): Record<string, unknown> {
    return serviceSpec({
      service: state.name, release, names: this.names, replicas, strategy: state.spec.strategy, volume: state.volume,
      dependencies: this.dependencyAddresses(state.name, state.spec.dependsOn ?? []), probe: this.options.probe,
      update: state.spec.update, container: state.spec.container, secretEnv: state.spec.secretEnv, swarmDefaults: this.options.swarmDefaults, stopGraceMs: this.options.stopGraceMs ?? 2000,
    });
  }

  private dependencyAddresses(service: string, dependsOn: readonly string[]): Record<string, string> {
    return Object.fromEntries(dependsOn.map((dep) => {
      const address = this.links.address(service, dep);
      if (!address) throw new DrillbitError('internal', `swarm: no link proxy for ${service}->${dep}`);
      return [dep, address];
    }));
  }

  private async removeEverything(): Promise<void> {
    this.closing.abort();
    await Promise.all(this.pollers.map((stop) => stop()));
    for (const state of this.services.values()) state.proxy.setPool([]);
    const failures: string[] = [];
    // No wait for Swarm to stop the tasks (each would take its stop grace): the services are gone, so their containers are removed at once.
    const services = await removeLabelledServices(this.engine, LABELS.attempt, this.names.key, { waitMs: 0 }).catch((error: unknown) => ({ services: [], errors: [errorMessage(error)] }));
    failures.push(...services.errors);
    await Promise.all([...this.services.values()].map((state) => state.proxy.close()));
    await this.links.close();
    let swept = await removeLabelled(this.engine, LABELS.attempt, this.names.key);
    // A task container the agent was still creating as its service went: one more sweep.
    if (swept.errors.length) swept = await sleep(500).then(() => removeLabelled(this.engine, LABELS.attempt, this.names.key));
    failures.push(...swept.errors);
    if (failures.length) throw new DrillbitError('infrastructure', `swarm: environment down left: ${failures.join('; ')}`);
  }

  private deployable(service: string, release: ResolvedRelease): SwarmServiceState {
    const state = this.state(service);
    if (release.service !== service) throw new DrillbitError('bad-input', `release ${release.name} belongs to service "${release.service}", not "${service}"`);
    if (!release.image) throw new DrillbitError('bad-input', `release ${release.name} of ${service} has no image`, { hint: 'resolve releases for the swarm driver with its resolveRelease' });
    return state;
  }
}

/** Same image, args and env: an update would change nothing Swarm rolls out. */
function sameTaskTemplate(current: ServiceInfo['Spec'], next: Record<string, unknown>): boolean {
  const a = current.TaskTemplate.ContainerSpec as { Image?: string; Args?: string[]; Env?: string[] };
  const b = (next.TaskTemplate as { ContainerSpec: { Image?: string; Args?: string[]; Env?: string[] } }).ContainerSpec;
  return a.Image === b.Image && JSON.stringify(a.Args ?? []) === JSON.stringify(b.Args ?? []) && JSON.stringify(a.Env ?? []) === JSON.stringify(b.Env ?? []);
}
