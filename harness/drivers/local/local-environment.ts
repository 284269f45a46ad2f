import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DrillbitError, errorMessage } from '../../errors.ts';
import { DeployRejectedError } from '../deploy-rejected-error.ts';
import type { DriverContext, EnvironmentSpec, ObservedService, ResolvedRelease, ServiceEnvironmentSpec, StartedEnvironment } from '../driver.ts';
import { FrontProxy } from './front-proxy.ts';
import { Generation } from './generation.ts';
import type { PortAllocator } from './port-allocator.ts';
import { procAvailable } from '../../process/proc-inspector.ts';
import { observeReplica } from './replica-observer.ts';
import { ReplicaBootError, ReplicaProcess } from './replica-process.ts';

export interface LocalEnvironmentOptions {
  ports: PortAllocator;
  /** Variables every replica inherits (PATH, HOME, …). */
  baseEnv: Readonly<Record<string, string>>;
  /** SIGTERM → SIGKILL grace when stopping a replica. Default 2000 ms. */
  stopGraceMs?: number;
  /** Log size limit per replica. Default 10 MiB. */
  logLimitBytes?: number;
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
  /** Deploys and rollbacks of one service run one at a time. */
  queue: Promise<unknown>;
}

const SERVICE_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Services as OS processes on loopback, each behind its own front proxy (its stable address). */
export class LocalEnvironment implements StartedEnvironment {
  private readonly services = new Map<string, ServiceState>();
  /** Every replica not yet stopped, with the stop that also settles its teardown entry. */
  private readonly running = new Map<ReplicaProcess, () => Promise<void>>();
  private readonly closing = new AbortController();
  private downing: Promise<void> | undefined;
  private useProc = true;

  private constructor(
    private readonly ctx: DriverContext,
    private readonly options: LocalEnvironmentOptions,
  ) {}

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
    const { workDir } = this.ctx;
    await Promise.all(['pids', 'logs', 'data'].map((dir) => mkdir(join(workDir, dir), { recursive: true })));
    this.useProc = await procAvailable();
    for (const [name, serviceSpec] of Object.entries(spec.services)) {
      if (!SERVICE_NAME_RE.test(name)) throw new DrillbitError('bad-input', `service name ${JSON.stringify(name)} is not usable as a directory name`, { hint: 'use letters, digits, ".", "_" or "-"' });
      const dataDir = join(workDir, 'data', name);
      await mkdir(dataDir, { recursive: true });
      const proxy = new FrontProxy(name);
      this.ctx.teardown.defer(`local: front proxy of ${name}`, () => proxy.close());
      this.services.set(name, { name, spec: serviceSpec, proxy, dataDir, generations: 0, queue: Promise.resolve() });
      const url = await proxy.listen();
      this.ctx.log.debug(`local: ${name} is at ${url.href}`);
    }
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

  address(service: string): URL {
    return this.state(service).proxy.url;
  }

  /** Stops every replica and proxy. Idempotent. */
  down(): Promise<void> {
    this.downing ??= this.stopEverything();
    return this.downing;
  }

  private async stopEverything(): Promise<void> {
    this.closing.abort();
    for (const state of this.services.values()) state.proxy.setPool([]);
    await Promise.all([...this.running.keys()].map((replica) => this.stopReplica(replica)));
    await Promise.all([...this.services.values()].map((state) => state.proxy.close()));
    for (const state of this.services.values()) state.serving = state.warm = undefined;
  }

  private async rollOut(state: ServiceState, release: ResolvedRelease): Promise<void> {
    if (state.spec.strategy === 'recreate') {
      const old = [state.serving, state.warm];
      state.serving = state.warm = undefined;
      this.route(state);
      await Promise.all(old.map((g) => g && this.retire(g)));
      state.serving = await this.startGeneration(state, release);
      this.route(state);
      return;
    }
    const next = await this.startGeneration(state, release);
    const retired = state.warm;
    state.warm = state.serving;
    state.serving = next;
    this.route(state);
    if (retired) await this.retire(retired);
  }

  /** Starts every replica of a release at once; the first failure stops them all and rejects the release. */
  private async startGeneration(state: ServiceState, release: ResolvedRelease): Promise<Generation> {
    const number = ++state.generations;
    const failed = new AbortController();
    const signal = AbortSignal.any([failed.signal, this.closing.signal, this.ctx.signal]);
    let firstError: unknown;
    const launches = Array.from({ length: state.spec.replicas }, (_, index) =>
      this.launchReplica(state, `${state.name}-g${number}-${index}`, release, signal).catch((error: unknown) => {
        firstError ??= error;
        failed.abort();
        throw error;
      }),
    );
    const results = await Promise.allSettled(launches);
    const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    if (firstError === undefined) return new Generation(number, release, started);
    await Promise.all(started.map((replica) => this.stopReplica(replica)));
    if (this.ctx.signal.aborted || this.closing.signal.aborted) throw new DrillbitError('aborted', `${state.name}: deploy of ${release.name} aborted`);
    throw new DeployRejectedError(state.name, release.name, errorMessage(firstError));
  }

  /** One replica, healthy; started once more on another port if it lost a race for its port. */
  private async launchReplica(state: ServiceState, id: string, release: ResolvedRelease, signal: AbortSignal): Promise<ReplicaProcess> {
    for (let attempt = 1; ; attempt++) {
      const port = await this.options.ports.allocate();
      if (signal.aborted) throw new ReplicaBootError(`replica ${id}: start aborted`);
      const replica: ReplicaProcess = new ReplicaProcess({
        id, service: state.name, release, port, dataDir: state.dataDir,
        workDir: this.ctx.workDir, runId: this.ctx.runId, baseEnv: this.options.baseEnv,
        timeline: this.ctx.timeline, log: this.ctx.log,
        stopGraceMs: this.options.stopGraceMs, logLimitBytes: this.options.logLimitBytes,
        onUnexpectedExit: () => this.onReplicaExit(state, replica),
      });
      const graceMs = this.options.stopGraceMs ?? 2000;
      this.running.set(replica, this.ctx.teardown.defer(`local: stop replica ${id}`, () => replica.stop(), { deadlineMs: graceMs + 5000 }));
      try {
        replica.start();
        await replica.waitHealthy(signal);
        return replica;
      } catch (error) {
        await this.stopReplica(replica);
        if (error instanceof ReplicaBootError && error.addressInUse && attempt === 1 && !signal.aborted) continue;
        throw error;
      }
    }
  }

  private async stopReplica(replica: ReplicaProcess): Promise<void> {
    const stop = this.running.get(replica) ?? (() => replica.stop());
    this.running.delete(replica);
    try {
      await stop();
    } catch (error) {
      this.ctx.log.warn(`local: ${errorMessage(error)}`);
    }
  }

  private async retire(generation: Generation): Promise<void> {
    await Promise.all(generation.replicas.map((replica) => this.stopReplica(replica)));
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

  private exclusive<T>(state: ServiceState, operation: () => Promise<T>): Promise<T> {
    const result = state.queue.then(() => {
      if (this.downing) throw new DrillbitError('internal', `the local environment is down; ${state.name} cannot change`);
      return operation();
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
