import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type Docker from 'dockerode';
import { DrillbitError, errorMessage } from '../../errors.ts';
import { processStartTime } from '../../process/proc-inspector.ts';
import type { Logger } from '../../runner/logger.ts';
import type { Timeline } from '../../runner/timeline.ts';
import type { ContainerSettings, ResolvedRelease } from '../driver.ts';
import type { MemoryLimit } from '../fault-surface.ts';
import { probeHealth } from '../local/health-probe.ts';
import { ReplicaBootError } from '../local/replica-process.ts';
import { describeExit, type ContainerExit } from './container-exit.ts';
import { listeningSockets, onlyLoopbackOn } from './container-listeners.ts';
import { summarizeBootLog } from '../boot-log-summary.ts';
import { redact } from '../../secrets/redaction.ts';
import { memoryLimitOf } from './container-memory.ts';
import { containerSpec, type ContainerSpec } from './container-spec.ts';
import { describeDockerError, engineError, isNotFound, isNotModified, type DockerEngine } from './docker-engine.ts';
import type { AttemptNames } from './docker-names.ts';

export interface ContainerReplicaOptions {
  /** The slot, unique in the environment: `shop-g2-0`. */
  id: string;
  service: string;
  release: ResolvedRelease;
  engine: DockerEngine;
  names: AttemptNames;
  /** The service's named volume, mounted at /data (`{dataDir}`). */
  volume: string;
  /** `host:port` of each dependency as a container reaches it, for `{url:<dep>}` and `{addr:<dep>}`. */
  dependencies: Readonly<Record<string, string>>;
  timeline: Timeline;
  log: Logger;
  /** `docker stop -t`: SIGTERM → SIGKILL grace when the driver stops it. */
  stopTimeoutSeconds: number;
  /** Called when the container stops without the driver stopping it (a crash, a kill fault). */
  onUnexpectedExit?: (replica: ContainerReplica) => void;
  /** Fires when the environment goes down: the engine requests that wait for exits are dropped (none outlives the run). */
  down?: AbortSignal;
  /** The service's settings beyond the release (compose: port, healthcheck, volumes, entrypoint). */
  container?: ContainerSettings;
  /** Secret env of the service (its scenario's `secrets`, read at run start): given to every replica, never written to any output. */
  secretEnv?: Readonly<Record<string, string>>;
  /** The attempt's work directory: a container that fails or exits leaves its log tail in `logs/<replica>.log` there (the container itself is removed). */
  workDir?: string;
}

/** Lines of a container's log kept when it fails (`docker logs --tail`). */
const LOG_TAIL_LINES = 200;

/**
 * One replica as one container of the release's image, on the attempt's network, with
 * the service's volume at /data, its port published on 127.0.0.1. The container keeps
 * its slot for life: a replica killed by a fault is started again (`revive`), as a
 * restart policy would, so its id, name and volume stay; its pid and host port change.
 * Its removal is the launcher's (queued on the teardown stack before any container exists).
 */
export class ContainerReplica {
  readonly id: string;
  readonly name: string;
  private readonly spec: ContainerSpec;
  containerId: string | undefined;
  private port: number | undefined;
  private hostPid: number | undefined;
  private startTime: number | undefined;
  private running = false;
  private exitInfo: ContainerExit | undefined;
  private exitedPromise: Promise<ContainerExit> = Promise.resolve({ code: null, signal: null, oomKilled: false, description: 'never started' });
  private incarnation = 0;
  /** Set once the driver stops or removes it: its exit is not news. */
  private retiring = false;
  private healthyOnce = false;
  private stopping: Promise<void> | undefined;
  private disposing: Promise<void> | undefined;
  private ipAddress: string | undefined;
  private firstLimit: MemoryLimit | undefined;

  constructor(private readonly options: ContainerReplicaOptions) {
    this.id = options.id;
    this.spec = containerSpec({ ...options, replicaId: options.id });
    this.name = this.spec.create.name!;
  }

  /** The placeholder values its command and env were filled with (container-spec.ts). */
  placeholders(): Readonly<Record<string, string>> {
    return this.spec.placeholders;
  }

  get release(): ResolvedRelease {
    return this.options.release;
  }

  get alive(): boolean {
    return this.running;
  }

  /** The host port its 8080 is published on, while it runs. */
  get hostPort(): number | undefined {
    return this.port;
  }

  /** Its init process on the host (`State.Pid`), while it runs. */
  get pid(): number | undefined {
    return this.hostPid;
  }

  /** Its address on the attempt's network, as of its last start. */
  get networkAddress(): string | undefined {
    return this.ipAddress;
  }

  /** The memory limit it had when it first started (what a memory-limit fault puts back). */
  get initialMemoryLimit(): MemoryLimit | undefined {
    return this.firstLimit;
  }

  /** Reads its published port and network address again (a reconnect to the network publishes the port anew, on another host port). */
  async refreshAddresses(): Promise<void> {
    if (!this.containerId) return;
    const info = await this.options.engine.inspectContainer(this.containerId);
    if (!info) return;
    const binding = info.NetworkSettings.Ports?.[`${this.spec.port}/tcp`]?.[0];
    this.port = binding ? Number(binding.HostPort) : undefined;
    this.ipAddress = info.NetworkSettings.Networks?.[this.options.names.network]?.IPAddress || this.ipAddress;
  }

  get procStartTime(): number | undefined {
    return this.startTime;
  }

  get exit(): ContainerExit | undefined {
    return this.exitInfo;
  }

  /** Resolves when the current run of the container ends. */
  get exited(): Promise<ContainerExit> {
    return this.exitedPromise;
  }

  /** Creates the container, starts it and waits until its health check answers 200. */
  async launch(signal: AbortSignal): Promise<void> {
    await this.create();
    await this.startContainer();
    await this.waitHealthy(signal);
  }

  /**
   * Like `launch`, but another client creates, starts and waits for the container from this
   * replica's own create options (testcontainers, for compose dependencies:
   * dependency-container.ts); from then on it is watched and handled as any other.
   */
  async adopt(start: (create: Docker.ContainerCreateOptions) => Promise<string>): Promise<void> {
    this.containerId = await start(this.spec.create);
    await this.startContainer();
    this.healthyOnce = true;
  }

  /** The port it listens on inside its container, published on 127.0.0.1. */
  get containerPort(): number {
    return this.spec.port;
  }

  /**
   * Drift: the container killed, removed and created again under its name with `env` merged
   * over its own — as someone recreating it by hand would; `{}`: with its own env again.
   */
  async recreateWithEnv(env: Readonly<Record<string, string>>, signal: AbortSignal): Promise<void> {
    await this.kill(5000);
    if (this.containerId) {
      await this.container().remove({ force: true }).catch((error: unknown) => {
        if (!isNotFound(error)) throw engineError(`remove ${this.name}`, error);
      });
    }
    this.containerId = undefined;
    const merged = new Map((this.spec.create.Env ?? []).map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
    for (const [key, value] of Object.entries(env)) merged.set(key, value);
    try {
      this.containerId = (await this.options.engine.docker.createContainer({ ...this.spec.create, Env: [...merged].map(([k, v]) => `${k}=${v}`) })).id;
    } catch (error) {
      throw bootOrInfrastructure(`create container ${this.name}`, error);
    }
    await this.startContainer();
    await this.waitHealthy(signal);
  }

  /** Starts the same container again after it died (or a new one in its slot if it was removed), healthy. A running replica: no-op. */
  async revive(signal: AbortSignal): Promise<void> {
    if (this.running || this.retiring) return;
    try {
      await this.startContainer();
    } catch (error) {
      if (!(error instanceof ContainerMissing)) throw error;
      this.containerId = undefined;
      await this.create();
      await this.startContainer();
    }
    try {
      await this.waitHealthy(signal);
    } catch (error) {
      await this.halt();
      throw error;
    }
  }

  /** Polls the health path on the published port until HTTP 200; fails fast when the container exits, and at the manifest's timeoutMs. */
  async waitHealthy(signal: AbortSignal): Promise<void> {
    const { path, timeoutMs, intervalMs } = this.options.release.manifest.health;
    const deadline = performance.now() + timeoutMs;
    const aborted = new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
    let last = 'no answer yet';
    while (!signal.aborted) {
      if (!this.running) throw await this.bootFailure();
      const remaining = deadline - performance.now();
      if (remaining <= 0) break;
      const probe = await probeHealth(this.port!, path, Math.min(remaining, 1000));
      if (!this.running) throw await this.bootFailure();
      if (probe.ok) {
        this.healthyOnce = true;
        return;
      }
      last = probe.detail;
      const unreachable = await this.listensOnLoopbackOnly();
      if (unreachable) throw new ReplicaBootError(`replica ${this.id} (container ${this.containerId?.slice(0, 12)}) ${unreachable}${await this.savedLog()}`);
      await Promise.race([sleep(Math.min(intervalMs, Math.max(0, deadline - performance.now()))), this.exitedPromise, aborted]);
    }
    if (signal.aborted) throw new ReplicaBootError(`replica ${this.id}: start aborted`);
    const said = summarizeBootLog((await this.lastWords(50)).join('\n'));
    throw new ReplicaBootError(`health check GET ${path} on replica ${this.id} did not return 200 within ${timeoutMs}ms (last: ${last})${said.length ? `; its log: ${said.join(' · ')}` : ''}${await this.savedLog()}`);
  }

  /**
   * The classic container mistake, told at once instead of after the health timeout: the
   * release listens on its port only on loopback inside its container, where the published
   * port cannot reach it. Read from the container's own socket table (its init's
   * /proc/<pid>/net/tcp, on this host); undefined when that is not so, or cannot be read.
   */
  private async listensOnLoopbackOnly(): Promise<string | undefined> {
    if (this.hostPid === undefined) return undefined;
    const listeners = await listeningSockets(this.hostPid);
    if (!listeners || !onlyLoopbackOn(listeners, this.spec.port)) return undefined;
    const where = listeners.filter((l) => l.port === this.spec.port).map((l) => `${l.address}:${l.port}`).join(', ');
    return `listens on ${where} inside its container, which its published port cannot reach: listen on all interfaces — give it {host} (0.0.0.0 in a container, 127.0.0.1 on the local driver), e.g. "HOST": "{host}" in its release.json env, or bind 0.0.0.0 / ::`;
  }

  /** A quick health GET on the published port (observe, and before an instant rollback). */
  async isHealthy(timeoutMs = 500): Promise<boolean> {
    if (!this.running || this.port === undefined) return false;
    return (await probeHealth(this.port, this.options.release.manifest.health.path, timeoutMs)).ok;
  }

  /** SIGKILL through the engine; resolves once the exit is seen (an unexpected exit: passive health takes it out of the pool). */
  async kill(waitMs: number): Promise<void> {
    if (!this.running || !this.containerId) return;
    const exited = this.exitedPromise;
    try {
      await this.container().kill({ signal: 'SIGKILL' });
    } catch (error) {
      if (!isNotFound(error) && !/is not running/i.test(describeDockerError(error))) throw engineError(`kill ${this.name}`, error);
    }
    await withTimeout(exited, waitMs, `container ${this.name} still running ${waitMs}ms after SIGKILL`);
  }

  /** `docker stop -t <grace>`: SIGTERM to its init, SIGKILL after the grace; resolves once the exit is seen. */
  async terminate(graceMs: number): Promise<void> {
    if (!this.running || !this.containerId) return;
    const exited = this.exitedPromise;
    try {
      await this.container().stop({ t: Math.ceil(graceMs / 1000) });
    } catch (error) {
      if (!isNotFound(error) && !isNotModified(error)) throw engineError(`stop ${this.name}`, error);
    }
    await withTimeout(exited, graceMs + 5000, `container ${this.name} still running after docker stop`);
  }

  async pause(): Promise<void> {
    if (!this.running || !this.containerId) throw new DrillbitError('internal', `replica ${this.id} is not running`);
    try {
      await this.container().pause();
    } catch (error) {
      throw engineError(`pause ${this.name}`, error);
    }
  }

  /** Unpauses when paused; anything else (running, gone) is left as it is. */
  async resume(): Promise<void> {
    if (!this.containerId) return;
    const info = await this.options.engine.inspectContainer(this.containerId);
    if (!info?.State.Paused) return;
    try {
      await this.container().unpause();
    } catch (error) {
      if (!isNotFound(error) && !/is not paused/i.test(describeDockerError(error))) throw engineError(`unpause ${this.name}`, error);
    }
  }

  /** Graceful: `docker stop -t`, then removal. Idempotent; safe before `launch`. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.retiring = true;
      if (this.running && this.containerId) {
        await this.container()
          .stop({ t: this.options.stopTimeoutSeconds })
          .catch((error: unknown) => {
            if (!isNotFound(error) && !isNotModified(error)) this.options.log.warn(`docker: stop ${this.name}: ${describeDockerError(error)}`);
          });
      }
      await this.dispose();
    })();
    return this.stopping;
  }

  /** Removes the container at once (SIGKILL), by name (so even one whose create never answered). Idempotent. */
  dispose(): Promise<void> {
    this.retiring = true;
    this.disposing ??= this.options.engine.removeContainer(this.name).finally(() => (this.running = false));
    return this.disposing;
  }

  private async create(): Promise<void> {
    try {
      this.containerId = (await this.options.engine.docker.createContainer(this.spec.create)).id;
    } catch (error) {
      throw bootOrInfrastructure(`create container ${this.name}`, error);
    }
  }

  /** Starts the container, reads its pid and published port, and watches for its exit. */
  private async startContainer(): Promise<void> {
    try {
      await this.container().start();
    } catch (error) {
      if (isNotFound(error)) throw new ContainerMissing();
      if (!isNotModified(error)) throw bootOrInfrastructure(`start container ${this.name}`, error);
    }
    const info = await this.options.engine.inspectContainer(this.containerId!);
    if (!info) throw new ContainerMissing();
    this.watch(this.containerId!);
    const binding = info.NetworkSettings.Ports?.[`${this.spec.port}/tcp`]?.[0];
    this.port = binding ? Number(binding.HostPort) : undefined;
    this.ipAddress = info.NetworkSettings.Networks?.[this.options.names.network]?.IPAddress || undefined;
    this.firstLimit ??= memoryLimitOf(info.HostConfig);
    this.hostPid = info.State.Pid || undefined;
    this.startTime = this.hostPid ? await processStartTime(this.hostPid) : undefined;
    if (!info.State.Running) this.running = false; // died at once: the watch reports it
    if (this.port === undefined && info.State.Running) throw new ReplicaBootError(`replica ${this.id}: port ${this.spec.port}/tcp of container ${this.name} was not published`);
  }

  /** One `docker wait` per run of the container: its exit is this replica's exit. */
  private watch(containerId: string): void {
    const incarnation = ++this.incarnation;
    this.running = true;
    this.exitInfo = undefined;
    let settle!: (exit: ContainerExit) => void;
    this.exitedPromise = new Promise((resolve) => (settle = resolve));
    void (async () => {
      const code = await this.waitForExit(containerId);
      const atMs = this.options.timeline.now();
      if (incarnation !== this.incarnation) return;
      this.running = false;
      if (this.options.down?.aborted) {
        this.retiring = true;
        settle({ code, signal: null, oomKilled: false, description: 'was removed' });
        return;
      }
      const info = await this.options.engine.inspectContainer(containerId).catch(() => undefined);
      const exit = describeExit(info?.State, code);
      this.exitInfo = exit;
      settle(exit);
      if (this.retiring) return;
      this.options.onUnexpectedExit?.(this);
      await this.reportUnexpectedExit(exit, atMs);
    })();
  }

  /** The exit code; a wait that fails (the engine dropped the connection) is retried while the container still runs. */
  private async waitForExit(containerId: string): Promise<number | null> {
    for (;;) {
      try {
        const container = this.options.engine.docker.getContainer(containerId);
        const wait = container.wait as (options: { abortSignal?: AbortSignal }) => Promise<{ StatusCode?: number }>;
        const result = await wait.call(container, this.options.down ? { abortSignal: this.options.down } : {});
        return result.StatusCode ?? null;
      } catch (error) {
        if (isNotFound(error) || this.options.down?.aborted) return null;
        const info = await this.options.engine.inspectContainer(containerId).catch(() => undefined);
        if (!info?.State.Running) return info?.State.ExitCode ?? null;
        await sleep(200);
      }
    }
  }

  private async reportUnexpectedExit(exit: ContainerExit, atMs: number): Promise<void> {
    const { service, release, timeline } = this.options;
    // Taken before reading its log: a restart may give the slot a new pid meanwhile.
    const [pid, container, phase] = [this.hostPid, this.containerId, this.healthyOnce ? 'running' : 'boot'];
    const said = summarizeBootLog((await this.lastWords(50)).join('\n'));
    const log = await this.saveLog();
    timeline.emit('replica-exit', {
      exitedAtMs: Math.round(atMs * 100) / 100,
      service,
      release: release.name,
      digest: release.digest,
      replica: this.id,
      pid,
      container,
      code: exit.code,
      signal: exit.signal,
      phase,
      message: `replica ${this.id} ${exit.description}${said.length ? `: ${said.join(' · ')}` : ''}`,
      ...(log ? { log } : {}),
    });
  }

  /** Exited before it was healthy: what its log says about why (the error, its message, its first frame), and where the log is kept. */
  private async bootFailure(): Promise<ReplicaBootError> {
    const exit = await this.exitedPromise;
    const said = summarizeBootLog((await this.lastWords(50)).join('\n'));
    return new ReplicaBootError(`replica ${this.id} (container ${this.containerId?.slice(0, 12)}) ${exit.description} before becoming healthy${said.length ? `: ${said.join(' · ')}` : ''}${await this.savedLog()}`);
  }

  /** ` (log: <path>)`, once the container's log tail is saved; empty when it could not be. */
  private async savedLog(): Promise<string> {
    const path = await this.saveLog();
    return path ? ` (log: ${path})` : '';
  }

  /** Keeps the container's log tail in the work dir (`logs/<replica>.log`): the container is removed, its log with it. */
  private async saveLog(): Promise<string | undefined> {
    if (!this.containerId || !this.options.workDir) return undefined;
    const lines = await this.options.engine.lastLogLines(this.containerId, LOG_TAIL_LINES, 'both', LOG_TAIL_LINES);
    if (lines.length === 0) return undefined;
    const path = join(this.options.workDir, 'logs', `${this.id}.log`);
    try {
      await mkdir(join(this.options.workDir, 'logs'), { recursive: true });
      await writeFile(path, `${redact(lines.join('\n'))}\n`);
      return path;
    } catch {
      return undefined;
    }
  }

  /** Its last stderr lines, or its last output lines when it wrote nothing to stderr. */
  private async lastWords(count: number): Promise<string[]> {
    if (!this.containerId) return [];
    const stderr = await this.options.engine.lastLogLines(this.containerId, count, 'stderr');
    return stderr.length ? stderr : this.options.engine.lastLogLines(this.containerId, count);
  }

  /** Kills a replica that failed to come back, so it never takes traffic half-alive; its exit is not news. */
  private async halt(): Promise<void> {
    const wasRetiring = this.retiring;
    this.retiring = true;
    try {
      await this.kill(5000);
    } catch (error) {
      this.options.log.warn(`docker: ${errorMessage(error)}`);
    } finally {
      this.retiring = wasRetiring;
    }
  }

  private container(): Docker.Container {
    return this.options.engine.docker.getContainer(this.containerId ?? this.name);
  }
}

/** The container was removed behind the driver's back: a new one can take its slot. */
class ContainerMissing extends Error {
  constructor() {
    super('container is gone');
  }
}

/** The engine refused the container (bad command, missing image): a boot failure; no answer at all: infrastructure. */
function bootOrInfrastructure(what: string, error: unknown): Error {
  const status = (error as { statusCode?: number } | undefined)?.statusCode;
  if (status === undefined) return engineError(what, error);
  return new ReplicaBootError(`${what}: ${describeDockerError(error)}`);
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new DrillbitError('timeout', message)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
