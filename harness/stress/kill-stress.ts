import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readFaultJournal } from '../faults/fault-journal.ts';
import type { UndoRecord } from '../faults/undo-record.ts';
import { SeededRandom } from '../util/seeded-random.ts';
import { sleep } from '../util/sleep.ts';
import { processSnapshot, processesOfRun, processesWithArgs, stillRunning } from '../../test/process-scan.ts';

/**
 * Kills `drillbit run` at random points of a drill and counts what is left behind.
 *
 *   npm run stress:kill -- [--points 36] [--drivers local,docker] [--seed 1]
 *
 * The drill (kill-stress.drill.ts) deploys two services, puts a pause, a link latency and
 * a disk fill in place, deploys a bad release that the guard rolls back, and verifies. Each
 * point picks a signal (SIGINT, SIGTERM, SIGKILL in turn), a journal line to wait for
 * (uniform over a full run's journal) and a delay after it (0-300 ms), all from the seed, so
 * a run of the script replays. After SIGINT/SIGTERM the run itself must exit 130 with its
 * results marked aborted and leave nothing; after SIGKILL, `drillbit clean` must leave
 * nothing. "Nothing": no process carrying the run's id, no detached helper of the escaping
 * sidecar (its own session, an empty env: only containment stops it), no stopped process, no watchdog, no
 * container, network or volume with its label, no fault effect (a paused process, a fill
 * file, a hog, a paused container), and the run marked finished. Proxies run inside the
 * harness (they die with it) or as labelled containers (counted); Drillbit adds no
 * iptables rules, and the script checks that none mention drillbit.
 *
 * Prints a table and writes reports/stress/kill-stress.md; exits 1 when anything was left.
 *
 * `--selftest` proves the counting can find leftovers: every point SIGKILLs the run's
 * watchdog and then the run, and nobody cleans; it exits 0 only when leftovers were found.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const DRILL = 'harness/stress/kill-stress.drill.ts';
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGKILL'] as const;
type Signal = (typeof SIGNALS)[number];

interface PointResult {
  driver: string;
  index: number;
  signal: Signal;
  phase: string;
  killedAtLine: number;
  exitCode: number | null;
  /** SIGINT/SIGTERM: exit 130 and results.json with the attempt aborted. */
  abortedAsPromised: boolean | null;
  leftovers: string[];
  /** The run ended before the kill point (a point that tested nothing). */
  missed: boolean;
}

export async function main(args: string[]): Promise<number> {
  const flag = (name: string, fallback: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
  };
  const points = Number(flag('points', '36'));
  const drivers = flag('drivers', dockerAvailable() ? 'local,docker' : 'local').split(',');
  const seed = Number(flag('seed', '1'));
  const selftest = args.includes('--selftest');
  if (!Number.isInteger(points) || points < 1) {
    console.error('--points: expected a positive integer');
    return 2;
  }
  const random = new SeededRandom(seed);
  const work = mkdtempSync(join(tmpdir(), 'drillbit-kill-stress-'));
  const results: PointResult[] = [];
  const started = Date.now();
  try {
    for (const driver of drivers) {
      const home = join(work, driver, 'home');
      mkdirSync(home, { recursive: true });
      console.log(`[${driver}] calibrating: one whole run of ${DRILL}`);
      const full = await runOnce({ driver, home, out: join(work, driver, 'calibration') });
      const lines = journalLines(join(work, driver, 'calibration', 'journal.ndjson')).length;
      console.log(`[${driver}] a whole run: exit ${full.exitCode}, ${lines} journal lines, ${(full.durationMs / 1000).toFixed(1)} s`);
      for (let i = 0; i < points; i += 1) {
        const signal = selftest ? 'SIGKILL' : SIGNALS[i % SIGNALS.length]!;
        const killAtLine = 2 + Math.floor(random.next() * Math.max(1, lines - 4));
        const delayMs = Math.floor(random.next() * 300);
        const result = await killPoint({ driver, home, out: join(work, driver, `point-${i}`), index: i, signal, killAtLine, delayMs, selftest });
        results.push(result);
        const status = result.missed ? 'missed (the run ended first)' : result.leftovers.length ? `LEFT: ${result.leftovers.join('; ')}` : 'nothing left';
        console.log(`[${driver}] ${String(i + 1).padStart(2)}/${points} ${signal.padEnd(7)} at line ${String(result.killedAtLine).padStart(3)} (+${delayMs} ms) in ${result.phase.padEnd(24)} exit ${result.exitCode ?? '-'} · ${status}`);
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  if (selftest) {
    const found = results.filter((r) => !r.missed && r.leftovers.length > 0).length;
    const hit = results.filter((r) => !r.missed).length;
    console.log(`selftest: ${found} of ${hit} points with the watchdog killed and no clean showed leftovers`);
    return found > 0 && found === hit ? 0 : 1;
  }
  const summary = render(results, { seed, points, drivers, minutes: (Date.now() - started) / 60_000 });
  console.log(`\n${summary}`);
  mkdirSync(join(ROOT, 'reports/stress'), { recursive: true });
  writeFileSync(join(ROOT, 'reports/stress/kill-stress.md'), summary);
  return results.some((r) => r.leftovers.length > 0 || r.abortedAsPromised === false) ? 1 : 0;
}

interface RunOptions {
  driver: string;
  home: string;
  out: string;
}

function spawnRun(o: RunOptions) {
  const env = { ...process.env, CI: 'true', DRILLBIT_HOME: o.home };
  const child = spawn(process.execPath, ['bin/drillbit.mjs', 'run', DRILL, '--driver', o.driver, '--output', o.out], { cwd: ROOT, env, stdio: 'ignore' });
  const exited = new Promise<number | null>((done) => child.once('exit', (code, signal) => done(code ?? (signal ? 128 : null))));
  return { child, env, exited };
}

async function runOnce(o: RunOptions): Promise<{ exitCode: number | null; durationMs: number }> {
  const t0 = Date.now();
  const { exited } = spawnRun(o);
  const exitCode = await withTimeout(exited, 120_000, null);
  return { exitCode, durationMs: Date.now() - t0 };
}

async function killPoint(o: RunOptions & { index: number; signal: Signal; killAtLine: number; delayMs: number; selftest: boolean }): Promise<PointResult> {
  const { child, env, exited } = spawnRun(o);
  const journal = join(o.out, 'journal.ndjson');
  let ended = false;
  void exited.then(() => (ended = true));
  while (!ended && journalLines(journal).length < o.killAtLine) await sleep(10);
  if (!ended) await sleep(o.delayMs);
  const seen = journalLines(journal);
  const phase = phaseOf(seen);
  const missed = ended;
  const runIdNow = seen.find((e) => e.type === 'run-begin')?.runId as string | undefined;
  if (o.selftest && runIdNow) for (const w of processesWithArgs('watchdog.ts', join(o.home, 'runs', runIdNow))) process.kill(w.pid, 'SIGKILL');
  if (!ended) child.kill(o.signal);
  let exitCode = await withTimeout(exited, 30_000, undefined);
  const leftovers: string[] = [];
  if (exitCode === undefined) {
    leftovers.push(`drillbit run did not exit within 30 s of ${o.signal}`);
    child.kill('SIGKILL');
    exitCode = await exited;
  }
  const runId = seen.find((e) => e.type === 'run-begin')?.runId as string | undefined;
  let abortedAsPromised: boolean | null = null;
  if (!missed && o.signal !== 'SIGKILL') {
    abortedAsPromised = exitCode === 130 && resultsAborted(join(o.out, 'results.json'));
  }
  if ((o.signal === 'SIGKILL' || missed) && !o.selftest) {
    const clean = spawnSync(process.execPath, ['bin/drillbit.mjs', 'clean'], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
    if (clean.status !== 0) leftovers.push(`drillbit clean exited ${clean.status}: ${clean.stderr.trim().split('\n')[0]}`);
  }
  if (runId) leftovers.push(...(o.selftest ? leftoversOf(runId, join(o.home, 'runs', runId)) : await settledLeftovers(runId, join(o.home, 'runs', runId))));
  if (o.selftest && runId) spawnSync(process.execPath, ['bin/drillbit.mjs', 'clean'], { cwd: ROOT, env, timeout: 60_000 });
  return { driver: o.driver, index: o.index, signal: o.signal, phase, killedAtLine: seen.length, exitCode, abortedAsPromised, leftovers, missed };
}

/** Leftovers, polled for up to 5 s: processes the kernel is still taking down are not leftovers yet. */
async function settledLeftovers(runId: string, runDir: string): Promise<string[]> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const left = leftoversOf(runId, runDir);
    if (left.length === 0 || Date.now() > deadline) return left;
    await sleep(100);
  }
}

function leftoversOf(runId: string, runDir: string): string[] {
  const left: string[] = [];
  const processes = processesOfRun(runId);
  if (processes.length) left.push(`${processes.length} process(es) with its run id`);
  const stopped = processes.map(processSnapshot).filter((p) => p?.state === 'T');
  if (stopped.length) left.push(`${stopped.length} stopped process(es)`);
  if (processesWithArgs('watchdog.ts', runDir).length) left.push('its watchdog');
  const escaped = processesWithArgs(`drillbit-escaped-helper-${runId}`);
  if (escaped.length) left.push(`${escaped.length} detached helper(s) of the escaping sidecar`);
  if (dockerAvailable()) {
    for (const kind of ['container', 'network', 'volume'] as const) {
      const ids = docker([kind, 'ls', ...(kind === 'container' ? ['-a'] : []), '-q', '--filter', `label=drillbit.run=${runId}`]);
      if (ids.length) left.push(`${ids.length} ${kind}(s) labelled with it`);
    }
  }
  const rules = spawnSync('iptables', ['-S'], { encoding: 'utf8' });
  if (rules.status === 0 && /drillbit/i.test(rules.stdout)) left.push('iptables rules mentioning drillbit');
  for (const attempt of existsSync(runDir) ? readdirSync(runDir, { withFileTypes: true }).filter((e) => e.isDirectory()) : []) {
    for (const undo of intendedUndos(join(runDir, attempt.name, 'faults.ndjson'))) {
      const effect = effectLeft(undo);
      if (effect) left.push(effect);
    }
  }
  const owner = join(runDir, 'owner.json');
  if (existsSync(owner) && !(JSON.parse(readFileSync(owner, 'utf8')) as { finishedAt?: string }).finishedAt) left.push('the run is not marked finished');
  return left;
}

/** Every undo the run journaled, reverted or not: its effect must be gone either way. */
function intendedUndos(path: string): UndoRecord[] {
  return readFaultJournal(path).flatMap((entry) => (entry.event === 'intent' ? (entry.undo ?? []) : []));
}

/** What an undo record would still have to undo, or undefined when its fault's effect is gone. */
function effectLeft(undo: UndoRecord): string | undefined {
  switch (undo.kind) {
    case 'signal': {
      const p = processSnapshot(undo.pid);
      return p && (undo.procStartTime === undefined || p.startTime === undo.procStartTime) && p.state === 'T' ? `paused process ${undo.pid}` : undefined;
    }
    case 'kill-pid-file': {
      if (!existsSync(undo.path)) return undefined;
      try {
        const record = JSON.parse(readFileSync(undo.path, 'utf8')) as { pid: number; procStartTime?: number };
        return stillRunning({ pid: record.pid, startTime: record.procStartTime }) ? `fault process ${record.pid} (${undo.path})` : undefined;
      } catch {
        return undefined;
      }
    }
    case 'remove-path':
      return existsSync(undo.path) ? `fault file ${undo.path}` : undefined;
    case 'docker': {
      if (!('container' in undo)) return undefined; // a node's availability: the swarm driver's, checked by its own tests
      const state = docker(['inspect', '-f', '{{.State.Paused}}', undo.container]);
      if (state.length === 0) return undefined; // the container is gone
      return undo.op === 'unpause' && state[0] === 'true' ? `paused container ${undo.container}` : `container ${undo.container} (${undo.op} pending)`;
    }
    case 'in-process':
      return undefined; // lived in the harness, died with it
  }
}

function resultsAborted(path: string): boolean {
  try {
    const results = JSON.parse(readFileSync(path, 'utf8')) as { scenarios: { status: string }[] };
    return results.scenarios.some((s) => s.status === 'aborted');
  } catch {
    return false;
  }
}

/** Where the drill was when it was killed: the step running, or setup/teardown around the steps. */
function phaseOf(entries: Record<string, unknown>[]): string {
  let phase = 'start-up';
  for (const e of entries) {
    if (e.type === 'env-up') phase = 'environment up';
    if (e.type === 'step-start') phase = String(e.message ?? e.step ?? 'step').replace(/^step \d+: /, '').slice(0, 24);
    if (e.type === 'rollback-start') phase = 'rollback';
    if (e.type === 'rollback') phase = 'after the rollback';
    if (e.type === 'traffic-stop' || e.type === 'scenario-end') phase = 'verify and teardown';
  }
  return phase;
}

function journalLines(path: string): Record<string, unknown>[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').flatMap((line) => {
    try {
      return line ? [JSON.parse(line) as Record<string, unknown>] : [];
    } catch {
      return [];
    }
  });
}

let dockerState: boolean | undefined;
function dockerAvailable(): boolean {
  dockerState ??= spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
  return dockerState;
}

function docker(args: string[]): string[] {
  const r = spawnSync('docker', args, { encoding: 'utf8', timeout: 20_000 });
  return r.status === 0 ? r.stdout.split('\n').filter(Boolean) : [];
}

function render(results: PointResult[], meta: { seed: number; points: number; drivers: string[]; minutes: number }): string {
  const rows: string[] = [];
  for (const driver of meta.drivers) {
    for (const signal of SIGNALS) {
      const of = results.filter((r) => r.driver === driver && r.signal === signal);
      const hit = of.filter((r) => !r.missed);
      const promised = signal === 'SIGKILL' ? '—' : `${hit.filter((r) => r.abortedAsPromised).length}/${hit.length}`;
      const phases = [...new Set(hit.map((r) => r.phase))].length;
      const left = of.reduce((n, r) => n + r.leftovers.length, 0);
      rows.push(`| ${driver} | ${signal} | ${of.length} | ${hit.length} | ${phases} | ${promised} | ${signal === 'SIGKILL' ? 'drillbit clean' : 'the run itself'} | ${left} |`);
    }
  }
  const phases = new Map<string, number>();
  for (const r of results.filter((x) => !x.missed)) phases.set(r.phase, (phases.get(r.phase) ?? 0) + 1);
  const failures = results.filter((r) => r.leftovers.length || r.abortedAsPromised === false);
  return [
    `# Kill stress: ${results.length} kill points`,
    '',
    `\`npm run stress:kill -- --points ${meta.points} --drivers ${meta.drivers.join(',')} --seed ${meta.seed}\` on ${new Date().toISOString()}, ${meta.minutes.toFixed(1)} min.`,
    '',
    '| driver | signal | points | hit (run still going) | phases | exit 130 + results aborted | reaped by | leftovers |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `Phases hit: ${[...phases].map(([p, n]) => `${p} ×${n}`).join(', ')}.`,
    '',
    failures.length ? `**${failures.length} points left something or broke a promise:**\n${failures.map((r) => `- ${r.driver} point ${r.index + 1} ${r.signal} in ${r.phase}: exit ${r.exitCode}, ${r.abortedAsPromised === false ? 'not marked aborted; ' : ''}${r.leftovers.join('; ')}`).join('\n')}` : 'Nothing was left behind at any point.',
    '',
  ].join('\n');
}



async function withTimeout<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([promise, new Promise<F>((r) => (timer = setTimeout(() => r(fallback), ms)))]);
  clearTimeout(timer);
  return result;
}
