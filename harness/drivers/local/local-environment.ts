import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DrillbitError, errorMessage } from '../../errors.ts';
import { CLIENT, type DriverContext, type EnvironmentSpec, type ObservedService, type ReplicaContent, type ResolvedRelease, type ServiceEnvironmentSpec, type StartedEnvironment } from '../driver.ts';
import type { HttpFaultRule, NetworkFaultSurface, ProcessFaultSurface, ReplicaHandle } from '../fault-surface.ts';
import { LinkProxies } from './link-proxies.ts';
import { assertDependenciesExist, dependencyLinks, linkUpstream } from '../link-upstream.ts';
import { FrontProxy } from './front-proxy.ts';
import type { Generation } from './generation.ts';
import type { PortAllocator } from './port-allocator.ts';
import { procAvailable } from '../../process/proc-inspector.ts';
import { ReplicaLauncher, type LaunchTarget } from './replica-launcher.ts';
import { observeReplica } from './replica-observer.ts';
import { inspectReplicaContent } from './replica-content.ts';
import type { ReplicaProcess } from './replica-process.ts';
import type { Containment } from '../../process/containment.ts';

export interface LocalEnvironmentOptions {
  ports: PortAllocator;
  /** Variables every replica inherits (PATH, HOME, …). */
  baseEnv: Readonly<Record<string, string>>;
  /** SIGTERM → SIGKILL grace when stopping a replica. Default 2000 ms. */
  stopGraceMs?: number;
  /** Log size limit per replica. Default 10 MiB. */
  logLimitBytes?: number;
  /** How replicas are contained (containment.ts). */
  containment?: Containment;
  /** Observe replicas through /proc. Default: where this OS has it; false behaves as an OS without it (what runs is then unobservable). */
  readProc?: boolean;
}

interface ServiceState {
  name: string;
  spec: ServiceEnvironmentSpec;
  proxy: FrontProxy;
  dataDir: string;
  serving?: Generation;
  /** The previous generation: running, not serving, ready for an instant rollback. */
  warm?: Generation;
  generations: number;
  /** Set while a dependency outage stopped the service: the release to bring back (none if nothing served). */
  stopped?: { release?: ResolvedRelease };
  /** Deploys, rollbacks, replacements, stops and starts of one service run one at a time. */
  queue: Promise<unknown>;
  launch: LaunchTarget;
}

const SERVICE_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Services as OS processes on loopback, each behind its own front proxy (its stable address). */
export class LocalEnvironment implements StartedEnvironment {
  private readonly services = new Map<string, ServiceState>();
  private readonly closing = new AbortController();
  private readonly launcher: ReplicaLauncher;
  private downing: Promise<void> | undefined;
  private useProc = true;
  private readonly links: LinkProxies;

  /** Network faults on the run's link proxies (fault-surface.ts). */
  get networkFaults(): NetworkFaultSurface {
    return this.links;
  }

  /** Process, resource and HTTP faults (fault-surface.ts). */
  readonly processFaults: ProcessFaultSurface = {
    replicas: (service) => this.replicaHandles(service),
    replaceReplica: (service, replicaId) => this.replaceReplica(service, replicaId),
    stopService: (service) => this.stopService(service),
    startService: (service) => this.startService(service),
    dataDir: (service) => this.state(service).dataDir,
    addHttpFault: (service, rule) => this.addHttpFault(service, rule),
    recreateReplicaWithEnv: (service, replicaId, env) => this.recreateWithEnv(service, replicaId, env),
    releaseDir: (service, replicaId) => {
      const replica = [this.state(service).serving, this.state(service).warm].flatMap((g) => g?.replicas ?? []).find((r) => r.id === replicaId);
      if (!replica?.release.storePath) throw new DrillbitError('bad-input', `${service} has no running replica "${replicaId}"`);
      return replica.release.storePath;
    },
  };

  private constructor(
    private readonly ctx: DriverContext,
    private readonly options: LocalEnvironmentOptions,
  ) {
    this.launcher = new ReplicaLauncher(ctx, options, AbortSignal.any([this.closing.signal, ctx.signal]));
    this.links = new LinkProxies(ctx);
  }

  static async start(spec: EnvironmentSpec, ctx: DriverContext, options: LocalEnvironmentOptions): Promise<LocalEnvironment> {
    const env = new LocalEnvironment(ctx, options);
    ctx.teardown.defer('local: environment down', () => env.down(), { deadlineMs: (options.stopGraceMs ?? 2000) + 10_000 });
    try {
      await env.startServices(spec);
    } catch (error) {
      await env.down();
      throw error;
    }
    return env;
  }

  private async startServices(spec: EnvironmentSpec): Promise<void> {
    assertDependenciesExist(spec);
    const { workDir } = this.ctx;
    await Promise.all(['pids', 'logs', 'data'].map((dir) => mkdir(join(workDir, dir), { recursive: true })));
    this.useProc = this.options.readProc !== false && (await procAvailable());
    for (const [name, serviceSpec] of Object.entries(spec.services)) {
      if (!SERVICE_NAME_RE.test(name)) throw new DrillbitError('bad-input', `service name ${JSON.stringify(name)} is not usable as a directory name`, { hint: 'use letters, digits, ".", "_" or "-"' });
      const dataDir = join(workDir, 'data', name);
      await mkdir(dataDir, { recursive: true });
      const proxy = new FrontProxy(name);
      this.ctx.teardown.defer(`local: front proxy of ${name}`, () => proxy.close());
      const state: ServiceState = {
        name, spec: serviceSpec, proxy, dataDir, generations: 0, queue: Promise.resolve(),
        launch: {
          service: name, dataDir, replicas: serviceSpec.replicas,
          onUnexpectedExit: (replica) => this.onReplicaExit(state, replica),
          dependencies: () => this.dependencyAddresses(name, serviceSpec.dependsOn ?? []),
          secretEnv: serviceSpec.secretEnv,
        },
      };
      this.services.set(name, state);
      const url = await proxy.listen();
      this.ctx.log.debug(`local: ${name} is at ${url.href}`);
    }
    // An external dependency is reachable only through its link, listed in `links` or not.
    const externalLinks = dependencyLinks(spec).filter((link) => spec.external?.[link.to] !== undefined);
    await this.links.start([...(spec.links ?? []), ...externalLinks], (to) => linkUpstream(spec, to, (service) => this.state(service).proxy.url));
  }

  /** `host:port` of each dependency as this service reaches it: through its link's fault proxy when there is one. */
  private dependencyAddresses(service: string, dependsOn: readonly string[]): Record<string, string> {
    return Object.fromEntries(dependsOn.map((dep) => [dep, this.links.address(service, dep) ?? this.state(dep).proxy.url.host]));
  }

  async deploy(service: string, release: ResolvedRelease): Promise<void> {
    const state = this.deployable(service, release);
    return this.exclusive(state, () => this.rollOut(state, release));
  }

  async rollback(service: string, to: ResolvedRelease): Promise<void> {
    const state = this.deployable(service, to);
    return this.exclusive(state, async () => {
      if (state.serving?.runs(to) && (await state.serving.ready())) return;
      if (state.warm?.runs(to) && (await state.warm.ready())) {
        [state.serving, state.warm] = [state.warm, state.serving];
        this.route(state);
        this.ctx.log.info(`local: ${service} switched back to warm ${to.name} (${to.digest.slice(0, 19)})`);
        return;
      }
      this.ctx.log.info(`local: ${service} has no warm ${to.name}; deploying it`);
      await this.rollOut(state, to);
    });
  }

  async observe(): Promise<Record<string, ObservedService>> {
    const observed: Record<string, ObservedService> = {};
    await Promise.all(
      [...this.services.values()].map(async (state) => {
        const serving = new Set(state.proxy.upstreams.map((u) => u.id));
        const replicas = [state.serving, state.warm].flatMap((g) => g?.replicas ?? []);
        observed[state.name] = { replicas: await Promise.all(replicas.map((r) => observeReplica(r, serving.has(r.id), this.useProc))) };
      }),
    );
    return observed;
  }

  /** Drift detection: the files each serving replica really runs (replica-content.ts). */
  async inspectContent(service: string): Promise<ReplicaContent[]> {
    const state = this.state(service);
    const routed = new Set(state.proxy.upstreams.map((u) => u.id));
    const serving = (state.serving?.replicas ?? []).filter((r) => routed.has(r.id));
    const found = await Promise.all(serving.map((r) => inspectReplicaContent(r)));
    return found.filter((c): c is ReplicaContent => c !== undefined);
  }

  /** The stable address; through the traffic's link proxy when network faults act on it. */
  address(service: string): URL {
    const viaLink = this.links.address(CLIENT, service);
    return viaLink ? new URL(`http://${viaLink}`) : this.state(service).proxy.url;
  }

  /** Stops every replica and proxy. Idempotent. */
  down(): Promise<void> {
    this.downing ??= this.stopEverything();
    return this.downing;
  }

  private async stopEverything(): Promise<void> {
    this.closing.abort();
    for (const state of this.services.values()) state.proxy.setPool([]);
    await this.launcher.stopAll();
    await Promise.all([...this.services.values()].map((state) => state.proxy.close()));
    await this.links.close();
    for (const state of this.services.values()) state.serving = state.warm = undefined;
  }

  private async rollOut(state: ServiceState, release: ResolvedRelease): Promise<void> {
    // A deploy during a dependency outage ends it: there is nothing left for startService to bring back.
    state.stopped = undefined;
    if (state.spec.strategy === 'recreate') {
      await this.stopGenerations(state);
      state.serving = await this.startGeneration(state, release);
      this.route(state);
      return;
    }
    const next = await this.startGeneration(state, release);
    const retired = state.warm;
    state.warm = state.serving;
    state.serving = next;
    this.route(state);
    if (retired) await this.launcher.retire(retired);
  }

  private startGeneration(state: ServiceState, release: ResolvedRelease): Promise<Generation> {
    return this.launcher.startGeneration(state.launch, ++state.generations, release);
  }

  /** Takes both generations out of service at once (the address answers 503), then stops them. */
  private async stopGenerations(state: ServiceState): Promise<void> {
    const old = [state.serving, state.warm];
    state.serving = state.warm = undefined;
    this.route(state);
    await Promise.all(old.map((g) => g && this.launcher.retire(g)));
  }

  private replicaHandles(service: string): ReplicaHandle[] {
    const state = this.state(service);
    const routed = new Set(state.proxy.upstreams.map((u) => u.id));
    return [state.serving, state.warm].flatMap((g) => g?.replicas ?? []).flatMap((r) => {
      const pid = r.pid;
      if (pid === undefined) return [];
      // Replicas lead their own process group (spawned detached).
      return [{ id: r.id, pid, pgid: pid, procStartTime: r.procStartTime, serving: r.alive && routed.has(r.id), alive: r.alive }];
    });
  }

  /**
   * A new process for a replica that died, in its slot of the serving (or warm) generation:
   * same id, same release, healthy before it takes traffic. A live replica, a replica of a
   * generation that is gone, or an environment that is down: nothing to do.
   */
  private replaceReplica(service: string, replicaId: string): Promise<void> {
    const state = this.state(service);
    if (!this.knowsReplicaId(state, replicaId)) {
      return Promise.reject(new DrillbitError('bad-input', `${service} has no replica "${replicaId}"; it has: ${this.replicaHandles(service).map((r) => r.id).join(', ') || '(none)'}`));
    }
    return this.exclusive(state, async () => {
      const generation = [state.serving, state.warm].find((g) => g?.find(replicaId));
      const dead = generation?.find(replicaId);
      if (!generation || !dead || dead.alive) return;
      await this.launcher.stop(dead); // its pid file and log are released before the replacement takes them
      const next = await this.launcher.launch(state.launch, replicaId, generation.release).catch((error: unknown) => {
        if (this.closing.signal.aborted || this.ctx.signal.aborted) throw new DrillbitError('aborted', `${service}: replacement of replica ${replicaId} aborted`);
        throw new DrillbitError('internal', `${service}: replacement of replica ${replicaId} failed: ${errorMessage(error)}`, { cause: error });
      });
      generation.replace(next);
      if (generation === state.serving) this.route(state);
      this.ctx.log.info(`local: replica ${replicaId} of ${service} replaced (pid ${next.pid})`);
    }, 'skip');
  }

  /** A replica's process replaced by one whose env differs from its release's (a drift fault); `{}` restores the release's env. */
  private recreateWithEnv(service: string, replicaId: string, env: Readonly<Record<string, string>>): Promise<void> {
    const state = this.state(service);
    return this.exclusive(state, async () => {
      const generation = [state.serving, state.warm].find((g) => g?.find(replicaId));
      const current = generation?.find(replicaId);
      if (!generation || !current) throw new DrillbitError('bad-input', `${service} has no replica "${replicaId}"`);
      const release = Object.keys(env).length ? { ...generation.release, manifest: { ...generation.release.manifest, env: { ...generation.release.manifest.env, ...env } } } : generation.release;
      await this.launcher.stop(current);
      generation.replace(await this.launcher.launch(state.launch, replicaId, release));
      if (generation === state.serving) this.route(state);
    }, 'skip') as Promise<void>;
  }

  /** Dependency outage: every replica stops and the address answers 503 until startService. Idempotent. */
  private stopService(service: string): Promise<void> {
    const state = this.state(service);
    return this.exclusive(state, async () => {
      if (state.stopped) return;
      state.stopped = { release: state.serving?.release };
      await this.stopGenerations(state);
      this.ctx.log.info(`local: ${service} stopped`);
    }, 'skip');
  }

  /** Ends an outage with a fresh deploy of the release that was serving. Idempotent; a no-op unless stopped. */
  private startService(service: string): Promise<void> {
    const state = this.state(service);
    return this.exclusive(state, async () => {
      const release = state.stopped?.release;
      if (release && !state.serving) {
        state.serving = await this.startGeneration(state, release);
        this.route(state);
        this.ctx.log.info(`local: ${service} started again on ${release.name}`);
      }
      state.stopped = undefined;
    }, 'skip');
  }

  private addHttpFault(service: string, rule: HttpFaultRule): () => void {
    if (!(rule.share >= 0 && rule.share <= 1)) throw new DrillbitError('bad-input', `HTTP fault ${rule.id}: share must be within 0..1, got ${rule.share}`);
    return this.state(service).proxy.addFault(rule);
  }

  /** Ids follow `<service>-g<generation>-<index>`: one this service has had, even if its generation is gone. */
  private knowsReplicaId(state: ServiceState, id: string): boolean {
    const match = /^(.*)-g(\d+)-(\d+)$/.exec(id);
    return match !== null && match[1] === state.name && Number(match[2]) >= 1 && Number(match[2]) <= state.generations && Number(match[3]) < state.spec.replicas;
  }

  /** Passive health: a replica that dies leaves the pool at once (it stays visible to observe()). */
  private onReplicaExit(state: ServiceState, replica: ReplicaProcess): void {
    // The timeline's replica-exit event is the record; this line is for --verbose.
    this.ctx.log.info(`local: replica ${replica.id} of ${state.name} ${replica.exit?.description ?? 'exited'}`);
    if (state.serving?.replicas.includes(replica)) this.route(state);
  }

  private route(state: ServiceState): void {
    state.proxy.setPool(state.serving?.upstreams() ?? []);
  }

  /** Runs one operation of a service after the ones queued before it. Once down, it throws, or resolves without running (`skip`: a revert has nothing left to undo). */
  private exclusive<T>(state: ServiceState, operation: () => Promise<T>, whenDown: 'throw' | 'skip' = 'throw'): Promise<T | undefined> {
    const result = state.queue.then(() => {
      if (!this.downing) return operation();
      if (whenDown === 'skip') return undefined;
      throw new DrillbitError('internal', `the local environment is down; ${state.name} cannot change`);
    });
    state.queue = result.catch(() => undefined);
    return result;
  }

  private state(service: string): ServiceState {
    const state = this.services.get(service);
    if (!state) {
      throw new DrillbitError('bad-input', `unknown service "${service}"; this environment has: ${[...this.services.keys()].join(', ') || '(none)'}`);
    }
    return state;
  }

  private deployable(service: string, release: ResolvedRelease): ServiceState {
    const state = this.state(service);
    if (release.service !== service) throw new DrillbitError('bad-input', `release ${release.name} belongs to service "${release.service}", not "${service}"`);
    if (!release.storePath) throw new DrillbitError('bad-input', `release ${release.name} of ${service} has no store path`, { hint: 'resolve local releases with the local driver (resolveRelease)' });
    return state;
  }
}
