import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import type { BoundPorts, WaitStrategy } from 'testcontainers';
import { DrillbitError, errorMessage } from '../../errors.ts';
import type { ContainerSettings, EnvironmentSpec, ServiceEnvironmentSpec } from '../driver.ts';
import { ReplicaBootError } from '../local/replica-process.ts';
import type { ContainerTarget } from './container-launcher.ts';
import type { DockerEndpoint } from './docker-engine.ts';
import { loadTestcontainers } from './testcontainers-runtime.ts';

type Testcontainers = typeof import('testcontainers');

/** The HTTP wait polls once per read timeout (1 s by default): lowered so a dependency is seen ready within ~100 ms. */
const HTTP_POLL_MS = 100;
const LOG_LINES = 5;

export interface DependencyStart {
  endpoint: DockerEndpoint;
  /** For messages: `stock (drillbit/stock:v1)`. */
  describe: string;
  readiness: NonNullable<ContainerSettings['readiness']>;
  healthPath: string;
  /** The container port the wait strategy probes. */
  port: number;
  startupTimeoutMs: number;
  signal: AbortSignal;
}

/**
 * How a compose dependency's containers start (ContainerTarget.launch): testcontainers'
 * `GenericContainer` with the replica's own create options — image by ID, name, the run's
 * labels, network, env, command, `Init`, the port on 127.0.0.1 — and a wait strategy:
 * `Wait.forHealthCheck()` when the compose service has a healthcheck, else
 * `Wait.forHttp(health path)` polling every 100 ms, else `Wait.forListeningPorts()`.
 * Undefined for a service the drill deploys.
 */
export function dependencyLauncher(endpoint: DockerEndpoint, spec: ServiceEnvironmentSpec): ContainerTarget['launch'] {
  const release = spec.startWith;
  if (!release) return undefined;
  const settings = spec.container ?? {};
  return (replica, signal) =>
    replica.adopt((create) =>
      startDependencyContainer(create, {
        endpoint,
        describe: `${release.service} (${release.image?.tag ?? release.image?.id ?? release.source})`,
        readiness: settings.readiness ?? 'http',
        healthPath: release.manifest.health.path,
        port: replica.containerPort,
        startupTimeoutMs: startupTimeoutMs(release.manifest.health.timeoutMs, settings),
        signal,
      }),
    );
}

/**
 * Creates, starts and waits for one dependency container; resolves with its ID. A
 * container that fails to get ready is removed (testcontainers stops and removes it) before
 * the error — with its last log lines — is thrown as a boot failure.
 */
export async function startDependencyContainer(create: Docker.ContainerCreateOptions, options: DependencyStart): Promise<string> {
  const tc = await loadTestcontainers(options.endpoint);
  const lines: string[] = [];
  let logs: Readable | undefined;
  const DependencyContainer = dependencyContainerClass(tc);
  const container = new DependencyContainer(create, options.port)
    .withWaitStrategy(new ExitAwareWait(waitStrategy(tc, options).withStartupTimeout(options.startupTimeoutMs), options.signal))
    .withPullPolicy(tc.PullPolicy.neverPull())
    .withLogConsumer((stream) => {
      logs = stream;
      keepLastLines(stream, lines);
    });
  try {
    return (await container.start()).getId();
  } catch (error) {
    const tail = lines.length ? `; last log lines: ${lines.join(' | ')}` : '';
    throw new ReplicaBootError(`dependency ${options.describe} did not get ready: ${firstLine(errorMessage(error))}${tail}`);
  } finally {
    logs?.destroy();
  }
}

/** Starts each dependency the environment starts itself (`startWith`) after the ones it depends on, those of one level at once. */
export async function startInDependencyOrder(spec: EnvironmentSpec, start: (service: string) => Promise<unknown>): Promise<void> {
  for (const level of dependencyStartOrder(spec)) await Promise.all(level.map(start));
}

/** Start order of the dependencies an environment starts itself: each after the ones it depends on, those of one level at once. */
export function dependencyStartOrder(spec: EnvironmentSpec): string[][] {
  const pending = new Set(Object.entries(spec.services).filter(([, s]) => s.startWith).map(([name]) => name));
  const levels: string[][] = [];
  while (pending.size) {
    const level = [...pending].filter((name) => !(spec.services[name]!.dependsOn ?? []).some((dep) => pending.has(dep)));
    if (level.length === 0) throw new DrillbitError('bad-input', `dependencies depend on each other in a cycle: ${[...pending].join(', ')}`);
    levels.push(level);
    for (const name of level) pending.delete(name);
  }
  return levels;
}

/** A compose healthcheck's worst case before `unhealthy`, or the release's health timeout. */
function startupTimeoutMs(healthTimeoutMs: number, settings: ContainerSettings): number {
  const hc = settings.healthcheck;
  if (settings.readiness !== 'healthcheck' || !hc) return healthTimeoutMs;
  // The engine's defaults: 30 s interval and timeout, 3 retries.
  const perTry = (hc.intervalMs ?? 30_000) + (hc.timeoutMs ?? 30_000);
  return Math.max(healthTimeoutMs, (hc.startPeriodMs ?? 0) + ((hc.retries ?? 3) + 1) * perTry);
}

function waitStrategy(tc: Testcontainers, options: DependencyStart): WaitStrategy {
  if (options.readiness === 'healthcheck') return tc.Wait.forHealthCheck();
  if (options.readiness === 'listening-port') return tc.Wait.forListeningPorts();
  return tc.Wait.forHttp(options.healthPath, options.port, { abortOnContainerExit: true }).forStatusCode(200).withReadTimeout(HTTP_POLL_MS);
}

/** `GenericContainer` created from a replica's own create options (its fields are protected: a subclass sets them). */
function dependencyContainerClass(tc: Testcontainers) {
  return class DependencyContainer extends tc.GenericContainer {
    constructor(create: Docker.ContainerCreateOptions, port: number) {
      // A bare 64-hex ID: testcontainers' own spelling of "this image, by ID".
      super(String(create.Image).replace(/^sha256:/, ''));
      const { Image: _image, name, HostConfig = {}, ...rest } = create;
      const { NetworkMode, ...host } = HostConfig;
      Object.assign(this.createOpts, rest);
      Object.assign(this.hostConfig, host);
      if (name) this.withName(name);
      if (NetworkMode) this.withNetworkMode(NetworkMode);
      // The replica publishes its port on 127.0.0.1 itself; testcontainers only needs to know which.
      this.exposedPorts = [port];
    }
  };
}

/**
 * A wait strategy that also fails as soon as the container exits (a health check wait would
 * otherwise sit out its whole timeout), or when the start is aborted.
 */
class ExitAwareWait implements WaitStrategy {
  constructor(
    private readonly inner: WaitStrategy,
    private readonly signal: AbortSignal,
  ) {}

  async waitUntilReady(container: Docker.Container, boundPorts: BoundPorts, startTime?: Date): Promise<void> {
    const done = new AbortController();
    const exited = container.wait({ abortSignal: done.signal } as object).then((result: { StatusCode?: number }) => {
      throw new Error(`the container exited with code ${result.StatusCode} before it was ready`);
    });
    const aborted = new Promise<never>((_, reject) => {
      const onAbort = () => reject(new Error('start aborted'));
      if (this.signal.aborted) onAbort();
      this.signal.addEventListener('abort', onAbort, { once: true });
      done.signal.addEventListener('abort', () => this.signal.removeEventListener('abort', onAbort), { once: true });
    });
    // The engine marks an exited container unhealthy too: whichever notices first, an exit is reported as one.
    const ready = this.inner.waitUntilReady(container, boundPorts, startTime).catch(async (error: unknown) => {
      const state = await container.inspect().then((info) => info.State, () => undefined);
      if (state && !state.Running && !state.Restarting) throw new Error(`the container exited with code ${state.ExitCode} before it was ready`);
      throw error;
    });
    for (const p of [exited, aborted, ready]) p.catch(() => undefined);
    try {
      await Promise.race([ready, exited, aborted]);
    } finally {
      done.abort();
    }
  }

  withStartupTimeout(startupTimeoutMs: number): this {
    this.inner.withStartupTimeout(startupTimeoutMs);
    return this;
  }

  isStartupTimeoutSet(): boolean {
    return this.inner.isStartupTimeoutSet();
  }

  getStartupTimeout(): number {
    return this.inner.getStartupTimeout();
  }
}

/** The container's last few output lines, for the error when it does not get ready (it is removed by then). */
function keepLastLines(stream: Readable, lines: string[]): void {
  stream.on('data', (chunk: string | Buffer) => {
    lines.push(...String(chunk).split('\n').filter((l) => l.trim()));
    lines.splice(0, Math.max(0, lines.length - LOG_LINES));
  });
  stream.on('error', () => undefined);
}

function firstLine(text: string): string {
  return text.split('\n').find((l) => l.trim())?.trim() ?? text;
}
