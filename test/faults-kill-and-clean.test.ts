import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JournalEntry } from '../harness/faults/fault-journal.ts';
import type { UndoRecord } from '../harness/faults/undo-record.ts';
import type { PidRecord } from '../harness/process/pid-file.ts';
import { projectRoot } from './drill-harness.ts';
import { childrenOf, processSnapshot, processesOfRun, processesWithArgs, stillRunning, waitFor, type ProcessSnapshot } from './process-scan.ts';

const DRILL = 'test/drills/faults-outlive-a-killed-run.drill.ts';

function ndjson<T = Record<string, unknown>>(path: string): T[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).flatMap((line) => {
    try {
      return [JSON.parse(line) as T];
    } catch {
      return []; // a line still being written
    }
  });
}

/** A `drillbit run` of the drill, in its own DRILLBIT_HOME and output directory. */
interface Run {
  dir: string;
  env: NodeJS.ProcessEnv;
  /** The `drillbit run` process itself, or (`unreapedParent`) a shell that started it and then became `sleep`. */
  child: ChildProcess;
  exited: Promise<unknown>;
  harness: ProcessSnapshot;
  runId?: string;
  /** Every process seen as the run's while it ran (replicas, the hog, the watchdog), by pid and start time. */
  seen: ProcessSnapshot[];
}

/** What the faults did, read from the run's journals while it ran. */
interface InjectedFaults {
  runDir: string;
  paused: { pid: number; procStartTime?: number };
  fillPath: string;
  hogs: { pid: number; startTime?: number }[];
  watchdog: ProcessSnapshot;
}

let run: Run | undefined;

/**
 * Starts `drillbit run` on the drill. `unreapedParent`: its parent is a shell that execs
 * `sleep` and never waits for it, so once killed it stays a zombie (same pid, same start time).
 */
async function startRun(options: { unreapedParent?: boolean } = {}): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'drillbit-faults-kill-'));
  const env = { ...process.env, CI: 'true', DRILLBIT_HOME: join(dir, 'home') };
  const argv = ['bin/drillbit.mjs', 'run', DRILL, '--output', join(dir, 'out')];
  const child = options.unreapedParent
    ? spawn('sh', ['-c', '"$@" >/dev/null 2>&1 & echo $!; exec sleep 120', 'sh', process.execPath, ...argv], { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'ignore'] })
    : spawn(process.execPath, argv, { cwd: projectRoot, env, stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let harnessPid = child.pid!;
  if (options.unreapedParent) {
    let out = '';
    child.stdout!.on('data', (data: Buffer) => (out += data.toString()));
    harnessPid = await waitFor(() => {
      const echoed = /^(\d+)\n/.exec(out)?.[1];
      return echoed === undefined ? undefined : Number(echoed);
    }, 5_000);
  }
  const harness = processSnapshot(harnessPid);
  if (!harness) throw new Error(`drillbit run (pid ${harnessPid}) is gone already`);
  return { dir, env, child, exited, harness, seen: [] };
}

/** SIGKILLs `drillbit run` and waits until it is dead (gone, or a zombie nobody waits for). */
async function killHarness(r: Run): Promise<void> {
  kill(r.harness.pid);
  if (r.child.pid === r.harness.pid) await r.exited;
  else await waitFor(() => (stillRunning(r.harness) ? undefined : true), 2_000);
}

function clean(r: Run): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ['bin/drillbit.mjs', 'clean'], { cwd: projectRoot, env: r.env, encoding: 'utf8', timeout: 20_000 });
}

/** Waits until the run's journal shows all three faults injected, then reads what they did from the fault journal. */
async function waitForFaults(r: Run): Promise<InjectedFaults> {
  const journal = join(r.dir, 'out', 'journal.ndjson');
  r.runId = await waitFor(() => ndjson(journal).find((e) => e.type === 'run-begin')?.runId as string | undefined, 20_000);
  const injected = () => ndjson(journal).filter((e) => e.type === 'fault' && !String(e.message).startsWith('skipped'));
  await waitFor(() => (injected().length === 3 ? true : undefined), 20_000);
  expect(injected().map((e) => e.fault).sort()).toEqual(['cpu-hog', 'disk-fill', 'pause']);

  const runDir = join(r.env.DRILLBIT_HOME!, 'runs', r.runId);
  const attempt = readdirSync(runDir, { withFileTypes: true }).find((e) => e.isDirectory())!;
  const faults = ndjson<JournalEntry>(join(runDir, attempt.name, 'faults.ndjson'));
  expect(faults.filter((e) => e.event === 'injected')).toHaveLength(3);
  const undo = (fault: string): UndoRecord[] => faults.find((e) => e.event === 'intent' && e.fault === fault)!.undo!;
  const [resume] = undo('pause');
  const [removeFill] = undo('disk-fill');
  if (resume?.kind !== 'signal' || removeFill?.kind !== 'remove-path') throw new Error(`unexpected undo records: ${JSON.stringify(faults)}`);
  const hogs = undo('cpu-hog').map((u) => {
    if (u.kind !== 'kill-pid-file') throw new Error(`unexpected cpu-hog undo ${JSON.stringify(u)}`);
    const record = JSON.parse(readFileSync(u.path, 'utf8')) as PidRecord;
    return { pid: record.pid, startTime: record.procStartTime };
  });
  const watchdog = await waitFor(() => processesWithArgs('watchdog.ts', runDir)[0], 5_000);

  // The effects are in place before the kill: a stopped replica, the file, a hog burning a core.
  expect(processSnapshot(resume.pid)?.state).toBe('T');
  expect(existsSync(removeFill.path)).toBe(true);
  expect(hogs).toHaveLength(1);
  expect(hogs.every(stillRunning)).toBe(true);
  const seen = [...childrenOf(r.harness.pid), ...processesOfRun(r.runId).flatMap((pid) => processSnapshot(pid) ?? []), watchdog];
  r.seen = seen.filter((p, i) => seen.findIndex((q) => q.pid === p.pid) === i);
  expect(processesOfRun(r.runId).length).toBeGreaterThanOrEqual(2);
  return { runDir, paused: { pid: resume.pid, procStartTime: resume.procStartTime }, fillPath: removeFill.path, hogs, watchdog };
}

/** Whatever the run or its faults left; empty when nothing is. */
function leftovers(r: Run, f: InjectedFaults): string[] {
  const left: string[] = [];
  const ofRun = processesOfRun(r.runId!);
  if (ofRun.length) left.push(`processes with DRILLBIT_RUN_ID=${r.runId}: ${ofRun.join(', ')}`);
  const alive = r.seen.filter(stillRunning);
  if (alive.length) left.push(`processes of the run still alive: ${alive.map((p) => p.pid).join(', ')}`);
  const hogs = f.hogs.filter(stillRunning);
  if (hogs.length) left.push(`cpu-hog workers: ${hogs.map((p) => p.pid).join(', ')}`);
  const paused = processSnapshot(f.paused.pid);
  if (paused && paused.startTime === f.paused.procStartTime && paused.state === 'T') left.push(`replica ${f.paused.pid} still stopped`);
  if (existsSync(f.fillPath)) left.push(`disk-fill file ${f.fillPath}`);
  if (stillRunning(f.watchdog)) left.push(`watchdog ${f.watchdog.pid}`);
  if (processesWithArgs('watchdog.ts', f.runDir).length) left.push('a watchdog of the run');
  const owner = JSON.parse(readFileSync(join(f.runDir, 'owner.json'), 'utf8')) as { finishedAt?: string };
  if (!owner.finishedAt) left.push('owner.json has no finishedAt');
  return left;
}

async function eventuallyNothingLeft(r: Run, f: InjectedFaults, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let left = leftovers(r, f);
  while (left.length && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    left = leftovers(r, f);
  }
  expect(left).toEqual([]);
}

function kill(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

afterEach(async () => {
  const r = run;
  run = undefined;
  if (!r) return;
  // Whatever happened above, nothing of this run may outlive the test.
  if (stillRunning(r.harness)) await killHarness(r);
  for (const p of processesWithArgs('watchdog.ts', r.dir)) kill(p.pid);
  if (r.child.exitCode === null && r.child.signalCode === null) {
    r.child.kill('SIGKILL');
    await r.exited;
  }
  clean(r);
  for (const p of r.seen.filter(stillRunning)) {
    kill(-p.pid, 'SIGCONT');
    kill(-p.pid);
    kill(p.pid);
  }
  rmSync(r.dir, { recursive: true, force: true });
});

describe('faults of a SIGKILLed run', () => {
  it("are undone by the run's watchdog at once, without `drillbit clean`", async () => {
    run = await startRun();
    const faults = await waitForFaults(run);
    await killHarness(run);
    const killedAt = performance.now();

    await eventuallyNothingLeft(run, faults, 5_000);
    expect(performance.now() - killedAt).toBeLessThan(5_000);

    const after = clean(run);
    expect(after.status, after.stderr).toBe(0);
    expect(after.stdout).toContain('clean: 0 dead runs reaped');
  });

  it('are undone by `drillbit clean` when the watchdog was killed too', async () => {
    run = await startRun();
    const faults = await waitForFaults(run);
    // The watchdog first: killed second, it could reap the run in between.
    kill(faults.watchdog.pid);
    await waitFor(() => (stillRunning(faults.watchdog) ? undefined : true), 2_000);
    await killHarness(run);

    const replicas = processesOfRun(run.runId!);
    expect(replicas.length).toBeGreaterThanOrEqual(2);
    expect(processSnapshot(faults.paused.pid)?.state).toBe('T');
    expect(existsSync(faults.fillPath)).toBe(true);

    const first = clean(run);
    expect(first.status, first.stderr).toBe(0);
    const reaped = new RegExp(`run ${run.runId}: killed (\\d+) process(?:es)?, replayed (\\d+) fault undos`).exec(first.stdout);
    expect(reaped, first.stdout).not.toBeNull();
    // Both replicas (the stopped one too), and the hog if it had not yet noticed its harness was gone.
    expect(Number(reaped![1])).toBeGreaterThanOrEqual(replicas.length);
    expect(Number(reaped![2])).toBe(3); // SIGCONT, the fill file, the hog's pid file
    expect(first.stdout).toContain('clean: 1 dead run reaped');

    await eventuallyNothingLeft(run, faults, 3_000);
    const second = clean(run);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toContain('clean: 0 dead runs reaped');
  });

  it('are undone by the watchdog even while the killed run is a zombie its parent never waits for', async () => {
    run = await startRun({ unreapedParent: true });
    const faults = await waitForFaults(run);
    await killHarness(run);
    expect(processSnapshot(run.harness.pid)).toMatchObject({ state: 'Z', startTime: run.harness.startTime });

    await eventuallyNothingLeft(run, faults, 5_000);
    expect(processSnapshot(run.harness.pid)?.state).toBe('Z'); // still unreaped: dead, not live
    const after = clean(run);
    expect(after.status, after.stderr).toBe(0);
    expect(after.stdout).toContain('clean: 0 dead runs reaped');
    expect(after.stdout).not.toContain('live run');
  });
});
