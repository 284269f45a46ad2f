import { mkdir } from 'node:fs/promises';
import { DrillbitError, errorMessage } from '../../errors.ts';
import { CLIENT, type DriverContext, type EnvironmentSpec, type ObservedService, type ReplicaContent, type ResolvedRelease, type ServiceEnvironmentSpec, type StartedEnvironment } from '../driver.ts';
import type { HttpFaultRule, NetworkFaultSurface, ProcessFaultSurface, ReplicaHandle } from '../fault-surface.ts';
import { FrontProxy } from '../local/front-proxy.ts';
import { BridgeLinks } from './bridge-links.ts';
import { assertDependenciesExist, dependencyLinks, linkUpstream } from '../link-upstream.ts';
import { ContainerExec } from './container-exec.ts';
import { ContainerLinks, type RunLinks } from './container-links.ts';
import { updateMemoryLimit } from './container-memory.ts';
import type { ContainerGeneration } from './container-generation.ts';
import { ContainerLauncher, type ContainerTarget } from './container-launcher.ts';
import { ContainerObserver } from './container-observer.ts';
import { sharedVolumeName, sharedVolumes } from './container-settings.ts';
import { dependencyLauncher, startInDependencyOrder } from './dependency-container.ts';
import type { ContainerReplica } from './container-replica.ts';
import { engineError, type DockerEngine } from './docker-engine.ts';
import { AttemptNames, BUNDLE_DIR, LABELS } from './docker-names.ts';
import { removeLabelled, writeAttemptRecord } from './labelled-resources.ts';
import { NetworkPartitions } from './network-partitions.ts';
import { findBridgeGateway, hostInterfaces, type BridgeNetworkInfo } from './network-gateway.ts';

export interface DockerEnvironmentOptions {
  engine: DockerEngine;
  /** `docker stop -t` when the driver stops a container: SIGTERM → SIGKILL grace, in seconds. Default 2. */
  stopTimeoutSeconds?: number;
  /**
   * The fault proxy image's ID, when dependency links go through the fault proxy running as a
   * container on the run's network (container-links.ts). Without it, through host proxies on
   * the network's gateway (bridge-links.ts).
   */
  faultProxyImage?: () => Promise<string>;
}

interface ServiceState {
  name: string;
  spec: ServiceEnvironmentSpec;
  proxy: FrontProxy;
  volume: string;
  /** The volume's directory on the host (`docker volume inspect` → Mountpoint): `dataDir` for disk faults. */
  mountpoint: string;
  serving?: ContainerGeneration;
  /** The previous generation: running, not serving, ready for an instant rollback. */
  warm?: ContainerGeneration;
  generations: number;
  /** Set while a dependency outage stopped the service: the release to bring back (none if nothing served). */
  stopped?: { release?: ResolvedRelease };
  /** Deploys, rollbacks, replacements, stops and starts of one service run one at a time. */
  queue: Promise<unknown>;
  target: ContainerTarget;
}

const SERVICE_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * Services as containers on a per-attempt bridge network, each service behind its own
 * front proxy on the host (its stable address), with a named volume for `{dataDir}`.
 * Same semantics as the local driver (blue/green with a warm generation, recreate,
 * rollback to warm = a switch, passive health, dependency outages), measured from the
 * engine. Everything carries the run's labels; every removal is queued before the create.
 */
export class DockerEnvironment implements StartedEnvironment {
  private readonly services = new Map<string, ServiceState>();
  private readonly closing = new AbortController();
  private readonly names: AttemptNames;
  private readonly launcher: ContainerLauncher;
  private readonly observer: ContainerObserver;
  private readonly links: RunLinks;
  private readonly partitions: NetworkPartitions;
  private readonly networkSurface: NetworkFaultSurface;
  private readonly engine: DockerEngine;
  private downing: Promise<void> | undefined;
  private readonly removals: (() => Promise<void>)[] = [];

  /** Network faults (fault-surface.ts): the run's link proxies, and disconnects from the run's network. */
  get networkFaults(): NetworkFaultSurface {
    return this.networkSurface;
  }

  /** Process, resource and HTTP faults (fault-surface.ts), container operations through the engine. */
  readonly processFaults: ProcessFaultSurface = {
    replicas: (service) => this.replicaHandles(service),
    replaceReplica: (service, replicaId) => this.replaceReplica(service, replicaId),
    stopService: (service) => this.stopService(service),
    startService: (service) => this.startService(service),
    dataDir: (service) => this.state(service).mountpoint,
    addHttpFault: (service, rule) => this.addHttpFault(service, rule),
    killReplica: (service, replicaId) => this.liveReplica(service, replicaId).kill(3000),
    pauseReplica: (service, replicaId) => this.liveReplica(service, replicaId).pause(),
    resumeReplica: async (service, replicaId) => this.findReplica(service, replicaId)?.resume(),
    restartReplica: async (service, replicaId, graceMs) => {
      await this.liveReplica(service, replicaId).terminate(graceMs);
      await this.replaceReplica(service, replicaId);
    },
    stopReplica: (service, replicaId, graceMs) => this.liveReplica(service, replicaId).terminate(graceMs),
    setMemoryLimit: (service, replicaId, limit) => updateMemoryLimit(this.engine, this.containerOf(service, replicaId), limit),
    execInReplica: (service, replicaId, command) => ContainerExec.start(this.engine, this.liveReplica(service, replicaId).containerId!, command),
    recreateReplicaWithEnv: (service, replicaId, env) => this.recreateWithEnv(service, replicaId, env),
  };

  private constructor(
    private readonly ctx: DriverContext,
    options: DockerEnvironmentOptions,
  ) {
    this.engine = options.engine;
    this.names = new AttemptNames(ctx.runId, ctx.workDir);
    this.launcher = new ContainerLauncher(ctx, this.engine, this.names, options.stopTimeoutSeconds ?? 2, AbortSignal.any([this.closing.signal, ctx.signal]), this.closing.signal);
    this.observer = new ContainerObserver(this.engine);
    const proxyImage = options.faultProxyImage;
    this.links = proxyImage ? new ContainerLinks(ctx, this.engine, this.names, proxyImage) : new BridgeLinks(ctx);
    ctx.teardown.defer('docker: link proxies', () => this.links.close());
    this.partitions = new NetworkPartitions(this.engine, this.names.network, (service) => this.containersOf(service), (service) => this.refreshAddresses(service));
    this.networkSurface = {
      inboundLinks: (service) => this.links.inboundLinks(service),
      link: (from, to) => this.links.link(from, to),
      attachments: (service) => this.partitions.attachments(service),
      disconnect: (service) => this.partitions.disconnect(service),
    };
  }

  static async start(spec: EnvironmentSpec, ctx: DriverContext, options: DockerEnvironmentOptions): Promise<DockerEnvironment> {
    await options.engine.ready();
    const env = new DockerEnvironment(ctx, options);
    ctx.teardown.defer('docker: environment down', () => env.down(), { deadlineMs: 30_000 });
    try {
      await env.startServices(spec);
      await env.startDependencies(spec);
    } catch (error) {
      await env.down().catch((e: unknown) => ctx.log.warn(`docker: ${errorMessage(e)}`));
      throw error;
    }
    return env;
  }

  private async startServices(spec: EnvironmentSpec): Promise<void> {
    const { workDir } = this.ctx;
    const { engine, names } = this;
    for (const name of Object.keys(spec.services)) {
      if (!SERVICE_NAME_RE.test(name)) throw new DrillbitError('bad-input', `service name ${JSON.stringify(name)} is not usable in container names`, { hint: 'use letters, digits, ".", "_" or "-"' });
    }
    assertDependenciesExist(spec);
    await mkdir(workDir, { recursive: true });
    // Before anything exists: what `drillbit clean` reads to find this attempt's engine.
    await writeAttemptRecord(workDir, { engine: engine.endpoint.url, runId: this.ctx.runId, attempt: names.key, network: names.network });

    this.removals.push(this.ctx.teardown.defer(`docker: remove network ${names.network}`, () => engine.removeNetwork(names.network)));
    const network = await engine.docker.createNetwork({ Name: names.network, Driver: 'bridge', CheckDuplicate: true, Labels: names.labels() }).catch((error: unknown) => {
      throw engineError(`create network ${names.network}`, error);
    });
    const found = findBridgeGateway((await network.inspect()) as BridgeNetworkInfo, await hostInterfaces());
    if (found.address === undefined) throw new DrillbitError('infrastructure', `docker: no address of this host on network ${names.network} (${found.tried.join('; ')}); containers could not reach their dependencies`);
    const gateway = found.address;

    // Compose named volumes (other than a service's {dataDir}): one per attempt, shared, labelled like the rest.
    for (const volume of sharedVolumes(spec).map((v) => sharedVolumeName(names, v))) {
      this.removals.push(this.ctx.teardown.defer(`docker: remove volume ${volume}`, () => engine.removeVolume(volume)));
      await engine.createVolume(volume, names.labels());
    }
    for (const [name, serviceSpec] of Object.entries(spec.services)) {
      const volume = names.volume(name);
      this.removals.push(this.ctx.teardown.defer(`docker: remove volume ${volume}`, () => engine.removeVolume(volume)));
      const mountpoint = await engine.createVolume(volume, names.labels({ [LABELS.service]: name }));
      const proxy = new FrontProxy(name);
      this.ctx.teardown.defer(`docker: front proxy of ${name}`, () => proxy.close());
      const state: ServiceState = {
        name, spec: serviceSpec, proxy, volume, mountpoint, generations: 0, queue: Promise.resolve(),
        target: {
          service: name, volume, replicas: serviceSpec.replicas,
          onUnexpectedExit: (replica) => this.onReplicaExit(state, replica),
          dependencies: () => this.dependencyAddresses(name, serviceSpec.dependsOn ?? []),
          container: serviceSpec.container,
          secretEnv: serviceSpec.secretEnv,
          launch: dependencyLauncher(engine.endpoint, serviceSpec),
        },
      };
      this.services.set(name, state);
      const url = await proxy.listen();
      this.ctx.log.debug(`docker: ${name} is at ${url.href} (volume ${volume})`);
    }
    // Every dependency goes through a link proxy the containers can reach, listed in `links` or not.
    await this.links.start([...(spec.links ?? []), ...dependencyLinks(spec)], gateway, (to) => linkUpstream(spec, to, (service) => this.state(service).proxy.url));
    // Before any container exists, and after the network and volumes' entries (so it runs before them):
    // every container of the attempt goes at once, whatever stage its start reached, then the rest.
    this.ctx.teardown.defer(`docker: remove the containers of ${names.network}`, () => this.down(), { deadlineMs: 30_000 });
  }

  /**
   * Dependencies the environment starts itself (`startWith`: compose services no step
   * deploys), ready before `up()` resolves, in dependsOn order, with testcontainers
   * (dependency-container.ts). A dependency that does not get ready fails the environment.
   */
  private async startDependencies(spec: EnvironmentSpec): Promise<void> {
    await startInDependencyOrder(spec, (name) => {
      const state = this.state(name);
      return this.exclusive(state, async () => {
        state.serving = await this.startGeneration(state, spec.services[name]!.startWith!);
        this.route(state);
        this.ctx.log.info(`docker: dependency ${name} is up (${state.serving.release.source})`);
      });
    });
  }

  /** `host:port` of each dependency as this service's containers reach it: its link proxy on the network's gateway. */
  private dependencyAddresses(service: string, dependsOn: readonly string[]): Record<string, string> {
    return Object.fromEntries(
      dependsOn.map((dep) => {
        const address = this.links.address(service, dep);
        if (!address) throw new DrillbitError('internal', `docker: no link proxy for ${service}->${dep}`);
        return [dep, address];
      }),
    );
  }

  async deploy(service: string, release: ResolvedRelease): Promise<void> {
    const state = this.deployable(service, release);
    await this.exclusive(state, () => this.rollOut(state, release));
  }

  async rollback(service: string, to: ResolvedRelease): Promise<void> {
    const state = this.deployable(service, to);
    await this.exclusive(state, async () => {
      if (state.serving?.runs(to) && (await state.serving.ready())) return;
      if (state.warm?.runs(to) && (await state.warm.ready())) {
        [state.serving, state.warm] = [state.warm, state.serving];
        this.route(state);
        this.ctx.log.info(`docker: ${service} switched back to warm ${to.name} (${to.digest.slice(0, 19)})`);
        return;
      }
      this.ctx.log.info(`docker: ${service} has no warm ${to.name}; deploying it`);
      await this.rollOut(state, to);
    });
  }

  async observe(): Promise<Record<string, ObservedService>> {
    const observed: Record<string, ObservedService> = {};
    await Promise.all(
      [...this.services.values()].map(async (state) => {
        const serving = new Set(state.proxy.upstreams.map((u) => u.id));
        const replicas = [state.serving, state.warm].flatMap((g) => g?.replicas ?? []);
        observed[state.name] = { replicas: await Promise.all(replicas.map((r) => this.observer.observe(r, serving.has(r.id)))) };
      }),
    );
    return observed;
  }

  /** The stable address; through the traffic's link proxy when network faults act on it. */
  address(service: string): URL {
    const viaLink = this.links.address(CLIENT, service);
    return viaLink ? new URL(`http://${viaLink}`) : this.state(service).proxy.url;
  }

  /** Removes every container (at once), the proxies, the volumes and the network. Idempotent. */
  down(): Promise<void> {
    this.downing ??= this.removeEverything();
    return this.downing;
  }

  private async removeEverything(): Promise<void> {
    this.closing.abort();
    for (const state of this.services.values()) state.proxy.setPool([]);
    await this.launcher.removeAll();
    await Promise.all([...this.services.values()].map((state) => state.proxy.close()));
    await this.links.close();
    for (const state of this.services.values()) state.serving = state.warm = undefined;
    // Whatever carries this attempt's label, in an order the engine accepts (containers, network, volumes).
    const swept = await removeLabelled(this.engine, LABELS.attempt, this.names.key);
    const failures = [...swept.errors];
    for (const remove of [...this.removals].reverse()) await remove().catch((error: unknown) => failures.push(errorMessage(error)));
    if (failures.length) throw new DrillbitError('infrastructure', `docker: environment down left: ${failures.join('; ')}`);
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

  private async startGeneration(state: ServiceState, release: ResolvedRelease): Promise<ContainerGeneration> {
    const starting = this.launcher.startGeneration(state.target, ++state.generations, release);
    if (!state.spec.dependsOn?.length || !this.links.ready) return starting;
    // A dependent boots while its link proxies come up (the fault proxy container starts in the background), and takes traffic only once they listen.
    const [generation, linked] = await Promise.allSettled([starting, this.links.ready()]);
    if (generation.status === 'rejected') throw generation.reason;
    if (linked.status === 'rejected') {
      await this.launcher.retire(generation.value);
      throw linked.reason;
    }
    return generation.value;
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
      return [{
        id: r.id, pid, pgid: pid, procStartTime: r.procStartTime, serving: r.alive && routed.has(r.id), alive: r.alive,
        containerId: r.containerId, engine: this.engine.endpoint.url, memoryLimit: r.initialMemoryLimit, oomKilled: r.exit?.oomKilled,
      }];
    });
  }

  /**
   * Starts the container of a replica that died again, in its slot of the serving (or warm)
   * generation, healthy before the proxy routes to it (a new container if it was removed).
   * A live replica, a replica of a generation that is gone, or an environment that is down: nothing to do.
   */
  private replaceReplica(service: string, replicaId: string): Promise<void> {
    const state = this.state(service);
    if (!this.knowsReplicaId(state, replicaId)) {
      return Promise.reject(new DrillbitError('bad-input', `${service} has no replica "${replicaId}"; it has: ${this.replicaHandles(service).map((r) => r.id).join(', ') || '(none)'}`));
    }
    return this.exclusive(state, async () => {
      const generation = [state.serving, state.warm].find((g) => g?.find(replicaId));
      const replica = generation?.find(replicaId);
      if (!generation || !replica || replica.alive) return;
      await this.launcher.revive(replica, AbortSignal.any([this.closing.signal, this.ctx.signal])).catch((error: unknown) => {
        if (this.closing.signal.aborted || this.ctx.signal.aborted) throw new DrillbitError('aborted', `${service}: replacement of replica ${replicaId} aborted`);
        if (error instanceof DrillbitError) throw error;
        throw new DrillbitError('internal', `${service}: replacement of replica ${replicaId} failed: ${errorMessage(error)}`, { cause: error });
      });
      if (generation === state.serving) this.route(state);
      this.ctx.log.info(`docker: replica ${replicaId} of ${service} started again (container ${replica.containerId?.slice(0, 12)}, pid ${replica.pid})`);
    }, 'skip');
  }

  /** Dependency outage: every container stops and the address answers 503 until startService. Idempotent. */
  private stopService(service: string): Promise<void> {
    const state = this.state(service);
    return this.exclusive(state, async () => {
      if (state.stopped) return;
      state.stopped = { release: state.serving?.release };
      await this.stopGenerations(state);
      this.ctx.log.info(`docker: ${service} stopped`);
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
        this.ctx.log.info(`docker: ${service} started again on ${release.name}`);
      }
      state.stopped = undefined;
    }, 'skip');
  }

  private addHttpFault(service: string, rule: HttpFaultRule): () => void {
    if (!(rule.share >= 0 && rule.share <= 1)) throw new DrillbitError('bad-input', `HTTP fault ${rule.id}: share must be within 0..1, got ${rule.share}`);
    return this.state(service).proxy.addFault(rule);
  }

  /** The serving and warm generations' containers of a service. */
  private containersOf(service: string): ContainerReplica[] {
    const state = this.state(service);
    return [state.serving, state.warm].flatMap((g) => g?.replicas ?? []);
  }

  private containerOf(service: string, replicaId: string): string {
    const id = this.findReplica(service, replicaId)?.containerId;
    if (!id) throw new DrillbitError('internal', `${service}/${replicaId}: no such container`);
    return id;
  }

  /** After a reconnect: the containers' ports were published anew, so the front proxy routes to the new ones. */
  private async refreshAddresses(service: string): Promise<void> {
    await Promise.all(this.containersOf(service).map((r) => r.refreshAddresses()));
    this.route(this.state(service));
  }

  /** Drift: the replica's container recreated with another env (container-replica.ts), routed once healthy. */
  private recreateWithEnv(service: string, replicaId: string, env: Readonly<Record<string, string>>): Promise<void> {
    const state = this.state(service);
    return this.exclusive(state, async () => {
      const replica = this.findReplica(service, replicaId);
      if (!replica) throw new DrillbitError('bad-input', `${service} has no replica "${replicaId}"`);
      await replica.recreateWithEnv(env, AbortSignal.any([this.closing.signal, this.ctx.signal]));
      if (state.serving?.replicas.includes(replica)) this.route(state);
    }, 'skip') as Promise<void>;
  }

  /** Drift detection: what the engine says changed in each serving container's release files (`docker diff` under /app). */
  async inspectContent(service: string): Promise<ReplicaContent[]> {
    const state = this.state(service);
    const routed = new Set(state.proxy.upstreams.map((u) => u.id));
    const serving = (state.serving?.replicas ?? []).filter((r) => routed.has(r.id) && r.containerId);
    return Promise.all(serving.map(async (r) => ({ replicaId: r.id, changed: await releaseFileChanges(this.engine, r.containerId!) })));
  }

  private findReplica(service: string, replicaId: string): ContainerReplica | undefined {
    const state = this.state(service);
    return [state.serving, state.warm].map((g) => g?.find(replicaId)).find((r) => r !== undefined);
  }

  private liveReplica(service: string, replicaId: string): ContainerReplica {
    const replica = this.findReplica(service, replicaId);
    if (!replica?.alive) throw new DrillbitError('internal', `${service}/${replicaId}: the replica is gone (it exited, was replaced or was retired)`);
    return replica;
  }

  /** Ids follow `<service>-g<generation>-<index>`: one this service has had, even if its generation is gone. */
  private knowsReplicaId(state: ServiceState, id: string): boolean {
    const match = /^(.*)-g(\d+)-(\d+)$/.exec(id);
    return match !== null && match[1] === state.name && Number(match[2]) >= 1 && Number(match[2]) <= state.generations && Number(match[3]) < state.spec.replicas;
  }

  /** Passive health: a container that stops leaves the pool at once (it stays visible to observe()). */
  private onReplicaExit(state: ServiceState, replica: ContainerReplica): void {
    this.ctx.log.info(`docker: replica ${replica.id} of ${state.name} ${replica.exit?.description ?? 'stopped'}`);
    if (state.serving?.replicas.includes(replica)) this.route(state);
  }

  private route(state: ServiceState): void {
    state.proxy.setPool(state.serving?.upstreams() ?? []);
  }

  /** Runs one operation of a service after the ones queued before it. Once down, it throws, or resolves without running (`skip`). */
  private exclusive<T>(state: ServiceState, operation: () => Promise<T>, whenDown: 'throw' | 'skip' = 'throw'): Promise<T | undefined> {
    const result = state.queue.then(() => {
      if (!this.downing) return operation();
      if (whenDown === 'skip') return undefined;
      throw new DrillbitError('internal', `the docker environment is down; ${state.name} cannot change`);
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
    if (!release.image) throw new DrillbitError('bad-input', `release ${release.name} of ${service} has no image`, { hint: 'resolve releases for the docker driver with its resolveRelease' });
    return state;
  }
}

/** Paths under the release's directory that the container changed, from the engine's diff against its image. */
async function releaseFileChanges(engine: DockerEngine, containerId: string): Promise<string[]> {
  const changes = ((await engine.docker.getContainer(containerId).changes()) ?? []) as { Path: string; Kind: number }[];
  const inRelease = changes.map((c) => c.Path).filter((path) => path.startsWith(`${BUNDLE_DIR}/`));
  // The engine lists every directory above a change as changed too: only the leaves are news.
  return inRelease.filter((path) => !inRelease.some((other) => other.startsWith(`${path}/`))).map((path) => path.slice(BUNDLE_DIR.length + 1)).sort();
}
