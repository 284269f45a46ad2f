import type { Duplex } from 'node:stream';
import { DrillbitError } from '../../errors.ts';
import { sleep } from '../../util/sleep.ts';
import type { ReplicaCommand, ReplicaExec } from '../fault-surface.ts';
import { demultiplex, describeDockerError, engineError, isNotFound, type DockerEngine } from './docker-engine.ts';

const STOP_WAIT_MS = 3000;
const MAX_OUTPUT_BYTES = 64 * 1024;

// Kills every process whose command line carries the marker (base64 in argv[1], so the killer's own line never matches).
const KILLER = `const fs=require('fs'),m=Buffer.from(process.argv[1],'base64').toString();let n=0;
for(const p of fs.readdirSync('/proc')){if(!/^\\d+$/.test(p)||+p===process.pid)continue;
try{if(fs.readFileSync('/proc/'+p+'/cmdline','latin1').includes(m)){process.kill(+p,'SIGKILL');n++}}catch{}}
process.stdout.write(String(n));`;

/**
 * A command run inside a container with `docker exec`, its stdin held open on a hijacked
 * connection: the command ends when its stdin ends, so closing the connection stops it, and
 * so does the harness dying (the engine closes the stdin of an exec whose client is gone).
 * A command that lingers is killed by its marker from inside the container (`killMarked`).
 */
export class ContainerExec implements ReplicaExec {
  readonly exited: Promise<number | null>;
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private ended = false;
  private stopping: Promise<void> | undefined;

  private constructor(
    private readonly engine: DockerEngine,
    private readonly container: string,
    private readonly command: ReplicaCommand,
    private readonly execId: string,
    private readonly stream: Duplex,
  ) {
    stream.on('data', (chunk: Buffer) => {
      if (this.size >= MAX_OUTPUT_BYTES) return;
      this.chunks.push(chunk);
      this.size += chunk.length;
    });
    stream.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => {
      stream.once('end', resolve);
      stream.once('close', resolve);
    });
    this.exited = closed.then(() => {
      this.ended = true;
      return this.exitCode();
    });
  }

  static async start(engine: DockerEngine, container: string, command: ReplicaCommand): Promise<ContainerExec> {
    try {
      const exec = await engine.docker.getContainer(container).exec({ Cmd: [...command.argv], AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: false });
      const stream = (await exec.start({ hijack: true, stdin: true })) as unknown as Duplex;
      return new ContainerExec(engine, container, command, exec.id, stream);
    } catch (error) {
      throw engineError(`exec in container ${container.slice(0, 12)}`, error);
    }
  }

  /** What it wrote so far (stdout and stderr). */
  get output(): string {
    return demultiplex(Buffer.concat(this.chunks));
  }

  waitForOutput(text: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const done = (error?: Error) => {
        clearTimeout(timer);
        this.stream.off('data', check);
        signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve();
      };
      const check = () => {
        if (this.output.includes(text)) done();
      };
      const onAbort = () => done(new DrillbitError('aborted', `exec in ${this.container.slice(0, 12)}: aborted while waiting for "${text}"`));
      const timer = setTimeout(() => done(new DrillbitError('timeout', `exec in ${this.container.slice(0, 12)} did not write "${text}" within ${timeoutMs}ms${this.lastWords()}`)), timeoutMs);
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.stream.on('data', check);
      void this.exited.then((code) => {
        if (this.output.includes(text)) return done();
        done(new DrillbitError('internal', `exec in ${this.container.slice(0, 12)} ${code === 137 ? 'was killed (SIGKILL: out of memory?)' : `exited with code ${code}`} before writing "${text}"${this.lastWords()}`));
      });
      check();
    });
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (this.ended) return;
      this.stream.end();
      if (await settlesWithin(this.exited, STOP_WAIT_MS)) return;
      await killMarked(this.engine, this.container, this.command.marker);
      this.stream.destroy();
      if (!(await settlesWithin(this.exited, STOP_WAIT_MS)) && (await this.running())) {
        throw new DrillbitError('timeout', `exec ${this.command.marker} in container ${this.container.slice(0, 12)} still runs after its stdin closed and SIGKILL`);
      }
    })();
    return this.stopping;
  }

  private async exitCode(): Promise<number | null> {
    // The stream can end a moment before the engine records the exit.
    for (let i = 0; i < 50; i++) {
      const info = await this.engine.docker.getExec(this.execId).inspect().catch(() => undefined);
      if (!info) return null;
      if (!info.Running) return info.ExitCode ?? null;
      await sleep(20);
    }
    return null;
  }

  private async running(): Promise<boolean> {
    const info = await this.engine.docker.getExec(this.execId).inspect().catch(() => undefined);
    return info?.Running === true;
  }

  private lastWords(): string {
    const text = this.output.trim();
    return text ? `: ${text.split('\n').slice(-3).join(' | ')}` : '';
  }
}

/**
 * Kills, from inside the container, every process whose command line carries `marker`
 * (a `docker exec` of node: the container's own tools may not include pkill). A container
 * that is gone or not running has nothing left to kill. Returns how many it killed.
 */
export async function killMarked(engine: DockerEngine, container: string, marker: string): Promise<number> {
  const info = await engine.inspectContainer(container);
  if (!info?.State.Running) return 0;
  try {
    const exec = await engine.docker.getContainer(container).exec({ Cmd: ['node', '-e', KILLER, Buffer.from(marker).toString('base64')], AttachStdout: true, AttachStderr: true, Tty: false });
    const stream = (await exec.start({ hijack: true, stdin: false })) as unknown as NodeJS.ReadableStream;
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => void chunks.push(chunk));
    await new Promise<void>((resolve, reject) => {
      stream.once('end', resolve);
      stream.once('close', resolve);
      stream.once('error', reject);
    });
    const result = await exec.inspect();
    const output = demultiplex(Buffer.concat(chunks)).trim();
    if (result.ExitCode !== 0) throw new DrillbitError('infrastructure', `killing "${marker}" in container ${container.slice(0, 12)} failed (exit ${result.ExitCode}): ${output || 'no output'}`, { hint: 'the kill runs node inside the container: its image needs node on PATH' });
    return Number(output) || 0;
  } catch (error) {
    if (isNotFound(error) || /is not running|is paused/i.test(describeDockerError(error))) return 0;
    throw engineError(`kill "${marker}" in container ${container.slice(0, 12)}`, error);
  }
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = await Promise.race([promise.then(() => true, () => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)))]);
  clearTimeout(timer);
  return settled;
}
