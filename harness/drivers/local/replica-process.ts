import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ResolvedRelease } from '../driver.ts';
import type { Logger } from '../../runner/logger.ts';
import type { Timeline } from '../../runner/timeline.ts';
import { probeHealth } from './health-probe.ts';
import { removePidFile, writePidFile } from '../../process/pid-file.ts';
import { namespaceMembers, processStartTime, type ProcessInfo } from '../../process/proc-inspector.ts';
import { signalGroup, terminateGroup, waitGroupGone } from '../../process/process-group.ts';
import type { Containment } from '../../process/containment.ts';
import { parseInitReport, underReplicaInit } from '../../process/replica-init.ts';
import { summarizeBootLog } from '../boot-log-summary.ts';
import { findProgram } from '../../process/program-lookup.ts';
import { ReplicaLog } from './replica-log.ts';

export interface ReplicaOptions {
  /** Unique in the environment, e.g. `shop-g2-0`; names the pid file and the log. */
  id: string;
  service: string;
  release: ResolvedRelease;
  port: number;
  /** The service's persistent state directory (`{dataDir}`). */
  dataDir: string;
  workDir: string;
  runId: string;
  /** Inherited variables (PATH, HOME, …); the manifest's env and DRILLBIT_* go on top. */
  baseEnv: Readonly<Record<string, string>>;
  /** Secret env of the service (its scenario's `secrets`, read at run start): given to every replica, never written to any output. */
  secretEnv?: Readonly<Record<string, string>>;
  timeline: Timeline;
  log: Logger;
  /** SIGTERM → SIGKILL grace. Default 2000 ms. */
  stopGraceMs?: number;
  /** Log size limit per replica. Default 10 MiB. */
  logLimitBytes?: number;
  /** Called when the replica exits without being asked to. */
  onUnexpectedExit?: (replica: ReplicaProcess) => void;
  /** `host:port` of each dependency, for `{url:<name>}` and `{addr:<name>}`. */
  dependencies?: Readonly<Record<string, string>>;
  /** How it is contained (containment.ts). Default: its process group only. */
  containment?: Containment;
}

export interface ReplicaExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** `exited with code 1`, `was killed by SIGKILL`, `could not start: spawn x ENOENT`. */
  description: string;
  /** The release's command ended while these processes it started still ran (it daemonized); they were stopped with it. */
  leftRunning?: ProcessInfo[];
}

/** Why a replica never became healthy. */
export class ReplicaBootError extends Error {
  constructor(
    message: string,
    /** The replica lost a race for its port: starting again on another port may work. */
    readonly addressInUse = false,
  ) {
    super(message);
    this.name = 'ReplicaBootError';
  }
}

const ADDRESS_IN_USE_RE = /EADDRINUSE|address already in use/i;

/**
 * One replica of a release: its command, run from the release's read-only store directory
 * under the replica init (replica-init.ts) — in a PID namespace of its own where the machine
 * allows one (containment.ts), so everything it starts stops with it — in its own process
 * group. The process Drillbit launched (`pid`: `unshare`, or the init itself) is Drillbit's,
 * not the release's: its environ and cwd are what the release was started with. Created →
 * started → stopped; `stop()` is idempotent and safe before `start()`.
 */
export class ReplicaProcess {
  readonly id: string;
  readonly port: number;
  readonly env: Readonly<Record<string, string>>;
  readonly argv: readonly string[];
  readonly exited: Promise<ReplicaExit>;
  private child: ChildProcess | undefined;
  private exitInfo: ReplicaExit | undefined;
  private resolveExit!: (exit: ReplicaExit) => void;
  /** Resolves when stdout and stderr are drained, so error messages carry the last line written. */
  private outputClosed: Promise<void> = Promise.resolve();
  private stopping: Promise<void> | undefined;
  private readonly logFile: ReplicaLog;
  private pidFileWritten: Promise<void> = Promise.resolve();
  private startTimeRead: Promise<void> = Promise.resolve();
  private healthyOnce = false;
  private cleanupDone: Promise<void> | undefined;
  private startTime: number | undefined;
  private readonly containment: Containment;

  constructor(private readonly options: ReplicaOptions) {
    this.containment = options.containment ?? { kind: 'process-group', reason: 'not asked for' };
    this.id = options.id;
    this.port = options.port;
    const substitute = placeholderSubstituter(this.placeholders());
    this.argv = options.release.manifest.command.map(substitute);
    this.env = buildEnv(options, substitute);
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
    this.logFile = new ReplicaLog(join(options.workDir, 'logs', `${options.id}.log`), options.logLimitBytes ?? 10 * 1024 * 1024);
  }

  /** Values of `{host}` (the address to listen on), `{port}`, `{dataDir}`, `{bundle}`, `{url:<dep>}` and `{addr:<dep>}` for this replica. */
  placeholders(): Record<string, string> {
    const values: Record<string, string> = { host: '127.0.0.1', port: String(this.options.port), dataDir: this.options.dataDir, bundle: this.storePath };
    for (const [service, hostPort] of Object.entries(this.options.dependencies ?? {})) {
      values[`url:${service}`] = `http://${hostPort}`;
      values[`addr:${service}`] = hostPort;
    }
    return values;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Start time from /proc (clock ticks since boot), once recorded (see `recorded`): tells this process from a reused pid. */
  get procStartTime(): number | undefined {
    return this.startTime;
  }

  /**
   * Resolves once the start time is read from /proc and the pid file is on disk: a replica
   * that serves can always be found by `drillbit clean`, even if the run is SIGKILLed the
   * moment its deploy ends (the write starts at spawn, so it is done by the time a health
   * check passes). Never rejects.
   */
  async recorded(): Promise<void> {
    await Promise.all([this.startTimeRead, this.pidFileWritten]);
  }

  get alive(): boolean {
    return this.child?.pid !== undefined && this.exitInfo === undefined;
  }

  get exit(): ReplicaExit | undefined {
    return this.exitInfo;
  }

  get release(): ResolvedRelease {
    return this.options.release;
  }

  get logPath(): string {
    return this.logFile.path;
  }

  private get storePath(): string {
    const path = this.options.release.storePath;
    if (!path) throw new Error(`release ${this.options.release.name} has no store path; resolve it with the local driver`);
    return path;
  }

  /** Whether everything it starts is found and stopped with it (a PID namespace of its own). */
  get contained(): boolean {
    return this.containment.kind === 'pid-namespace';
  }

  /** Spawns the process. Does not wait for health (see waitHealthy). */
  start(): void {
    if (this.child || this.stopping) throw new Error(`replica ${this.id} cannot start twice or after stop`);
    const program = this.argv[0] ?? '';
    if (!findProgram(program, this.env.PATH, this.storePath)) {
      const where = program.includes('/') ? `no executable file ${program} from ${this.storePath}` : `no such program on the replica's PATH (${this.env.PATH ?? 'unset'})`;
      queueMicrotask(() => this.onExit({ code: null, signal: null, description: `could not start ${JSON.stringify(program)}: ${where}` }));
      return;
    }
    const launched = [...(this.containment.kind === 'pid-namespace' ? this.containment.prefix : []), ...underReplicaInit(this.argv)];
    const [command, ...args] = launched as [string, ...string[]];
    this.logFile.note(`start ${JSON.stringify(this.argv)} port=${this.port} cwd=${this.storePath} ${this.contained ? 'in a PID namespace of its own' : `in its process group only (${this.containment.kind === 'process-group' ? this.containment.reason : ''})`}`);
    // stdio 3: the init's report (replica-init.ts); the release's command never sees it.
    const child = spawn(command, args, { cwd: this.storePath, env: this.env, detached: true, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    this.child = child;
    this.outputClosed = new Promise((resolve) => child.once('close', () => resolve()));
    child.stdout!.on('data', (chunk: Buffer) => this.logFile.write(chunk, 'stdout'));
    child.stderr!.on('data', (chunk: Buffer) => this.logFile.write(chunk, 'stderr'));
    (child.stdio[3] as Readable | null)?.on('data', (chunk: Buffer) => void this.onInitReport(chunk.toString('utf8')));
    child.on('error', (error) => this.onExit({ code: null, signal: null, description: `could not start ${JSON.stringify(this.argv[0])}: ${error.message}` }));
    child.on('exit', (code, signal) => this.onExit(launchedExit(code, signal)));
    if (child.pid !== undefined) {
      const pid = child.pid;
      this.startTimeRead = processStartTime(pid).then((time) => void (this.startTime = time));
      this.pidFileWritten = this.recordPid(pid);
    }
  }

  /** Polls the health path until HTTP 200; fails fast when the process exits, and at the manifest's timeoutMs. */
  async waitHealthy(signal?: AbortSignal): Promise<void> {
    const { path, timeoutMs, intervalMs } = this.options.release.manifest.health;
    const deadline = performance.now() + timeoutMs;
    const aborted = signal ? abortion(signal) : new Promise<never>(() => {});
    let last = 'no answer yet';
    while (!signal?.aborted) {
      if (this.exitInfo) throw await this.bootFailure();
      const remaining = deadline - performance.now();
      if (remaining <= 0) break;
      const probe = await probeHealth(this.port, path, Math.min(remaining, 1000));
      if (this.exitInfo) throw await this.bootFailure();
      if (probe.ok) {
        this.healthyOnce = true;
        return;
      }
      last = probe.detail;
      await Promise.race([sleep(Math.min(intervalMs, Math.max(0, deadline - performance.now()))), this.exited, aborted]);
    }
    if (signal?.aborted) throw new ReplicaBootError(`replica ${this.id}: start aborted`);
    throw new ReplicaBootError(`health check GET ${path} on replica ${this.id} did not return 200 within ${timeoutMs}ms (last: ${last})`);
  }

  /** A quick health GET (used by observe and before an instant rollback). */
  async isHealthy(timeoutMs = 500): Promise<boolean> {
    if (!this.alive) return false;
    return (await probeHealth(this.port, this.options.release.manifest.health.path, timeoutMs)).ok;
  }

  /** SIGTERM to the process group, SIGKILL after the grace; resolves when the group is gone. Idempotent. */
  stop(graceMs = this.options.stopGraceMs ?? 2000): Promise<void> {
    this.stopping ??= this.terminate(graceMs);
    return this.stopping;
  }

  private async terminate(graceMs: number): Promise<void> {
    const pgid = this.child?.pid;
    if (pgid !== undefined) {
      await terminateGroup(pgid, graceMs);
      await this.exited;
      await waitGroupGone(pgid, 2000);
    }
    await this.cleanup();
  }

  /**
   * The init says the release's command ended while other processes of it still run: the
   * release daemonized (or left a child behind). That is the replica's exit; what is left
   * is named, then stopped with the whole namespace.
   */
  private async onInitReport(text: string): Promise<void> {
    const report = text.split('\n').map(parseInitReport).find(Boolean);
    const pid = this.child?.pid;
    if (!report || pid === undefined || this.exitInfo) return;
    const leftRunning = await namespaceMembers(pid);
    if (leftRunning.length === 0 || this.exitInfo) return; // only zombies were left: the init ends by itself
    const code = report.exitedStatus;
    const shown = leftRunning.slice(0, 3).map((p) => `${p.command} (pid ${p.pid})`).join(', ');
    this.onExit({ code, signal: null, leftRunning, description: `exited with code ${code} while ${leftRunning.length} process${leftRunning.length === 1 ? '' : 'es'} it started kept running (${shown}${leftRunning.length > 3 ? ', …' : ''})` });
    signalGroup(pid, 'SIGKILL'); // the init goes, and the kernel takes the rest of its namespace with it
  }

  private onExit(exit: ReplicaExit): void {
    if (this.exitInfo) return;
    this.exitInfo = exit;
    this.resolveExit(exit);
    this.logFile.note(`${exit.description}${this.stopping ? ' (stopped by drillbit)' : ''}`);
    if (this.stopping) return;
    // Whatever the leader left behind in its group goes with it.
    if (this.child?.pid !== undefined) signalGroup(this.child.pid, 'SIGKILL');
    this.options.onUnexpectedExit?.(this);
    void this.reportUnexpectedExit(exit, this.options.timeline.now());
  }

  private async reportUnexpectedExit(exit: ReplicaExit, atMs: number): Promise<void> {
    await this.drainedOutput();
    const { service, release, timeline } = this.options;
    timeline.emit('replica-exit', {
      exitedAtMs: Math.round(atMs * 100) / 100,
      service,
      release: release.name,
      digest: release.digest,
      replica: this.id,
      pid: this.child?.pid,
      code: exit.code,
      signal: exit.signal,
      phase: this.healthyOnce ? 'running' : 'boot',
      message: `replica ${this.id} ${exit.description}${this.explanation(exit)}`,
      ...(exit.leftRunning ? { leftRunning: exit.leftRunning } : {}),
      log: this.logFile.path,
    });
    await this.cleanup();
  }

  /** `: <what its output says>`, plus the fix for a release that daemonized. */
  private explanation(exit: ReplicaExit): string {
    const said = summarizeBootLog(this.logFile.stderrText).join(' · ');
    const parts = [said, exit.leftRunning ? DAEMONIZED_HINT : exit.code === 0 && !this.healthyOnce && !this.contained ? MAYBE_DAEMONIZED_HINT : ''].filter(Boolean);
    return parts.length ? `: ${parts.join(' — ')}` : '';
  }

  /**
   * stdout/stderr can still hold the last words of a process that just exited; wait briefly
   * for them, then stop reading: a process that escaped containment may hold them open, and
   * must not keep the harness alive.
   */
  private async drainedOutput(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.outputClosed, new Promise((resolve) => (timer = setTimeout(resolve, 200)))]);
    clearTimeout(timer);
  }

  private async bootFailure(): Promise<ReplicaBootError> {
    await this.drainedOutput();
    const exit = this.exitInfo!;
    return new ReplicaBootError(
      `replica ${this.id} ${exit.description} before becoming healthy${this.explanation(exit)} (log: ${this.logFile.path})`,
      ADDRESS_IN_USE_RE.test(this.logFile.stderrText),
    );
  }

  private cleanup(): Promise<void> {
    this.cleanupDone ??= (async () => {
      await this.pidFileWritten;
      await removePidFile(this.options.workDir, this.id);
      await this.drainedOutput();
      for (const stream of this.child?.stdio ?? []) stream?.destroy();
      await this.logFile.close();
    })();
    return this.cleanupDone;
  }

  private async recordPid(pid: number): Promise<void> {
    const { workDir, runId, service, release, port } = this.options;
    try {
      await writePidFile(workDir, { pid, pgid: pid, runId, service, replica: this.id, digest: release.digest, command: this.argv, cwd: this.storePath, port });
    } catch (error) {
      this.options.log.warn(`local: pid file of ${this.id} not written: ${String(error)}`);
    }
  }
}

const DAEMONIZED_HINT = 'it daemonized: run it in the foreground (nginx: `daemon off;`, redis-server: `--daemonize no`, apachectl: `-DFOREGROUND`, PostgreSQL: `postgres -D …`, not `pg_ctl start`)';
const MAYBE_DAEMONIZED_HINT = 'a command that exits 0 before it is healthy has usually daemonized: run it in the foreground (nginx: `daemon off;`, redis-server: `--daemonize no`)';

/**
 * How the launched process ended: `was killed by SIGTERM`, `exited with code 1`. It is
 * Drillbit's init, which passes on a command that a signal ended as 128+n, as a shell does
 * (and as Docker reports a container's exit code): that is told as the signal.
 */
function launchedExit(code: number | null, signal: NodeJS.Signals | null): ReplicaExit {
  if (signal) return { code, signal, description: `was killed by ${signal}` };
  const name = code !== null && code > 128 ? (Object.entries(constants.signals).find(([, n]) => n === code - 128)?.[0] as NodeJS.Signals | undefined) : undefined;
  return name ? { code, signal: name, description: `was killed by ${name}` } : { code, signal: null, description: `exited with code ${code}` };
}

/** Replaces `{host}`, `{port}`, `{dataDir}`, `{bundle}`, `{url:<dep>}` and `{addr:<dep>}` in a command argument or env value; unknown ones stay. */
export function fillPlaceholders(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\{(host|port|dataDir|bundle|(?:url|addr):[A-Za-z0-9][A-Za-z0-9_.-]*)\}/g, (whole, key: string) => values[key] ?? whole);
}

/** Resolves when the signal aborts (used to cut a wait short; never rejects). */
function abortion(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
}

function placeholderSubstituter(values: Record<string, string>): (text: string) => string {
  return (text) => fillPlaceholders(text, values);
}

function buildEnv(options: ReplicaOptions, substitute: (text: string) => string): Record<string, string> {
  const env: Record<string, string> = { ...options.baseEnv };
  for (const [key, value] of Object.entries(options.release.manifest.env)) env[key] = substitute(value);
  Object.assign(env, options.secretEnv);
  env.DRILLBIT_RELEASE = options.release.digest;
  env.DRILLBIT_RUN_ID = options.runId;
  env.DRILLBIT_SERVICE = options.service;
  env.DRILLBIT_REPLICA = options.id;
  return env;
}
