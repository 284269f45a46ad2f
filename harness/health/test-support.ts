import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TrafficSpec } from '../scenario/schema.ts';
import { SampleLog } from '../traffic/sample-log.ts';
import { TrafficEngine } from '../traffic/traffic-engine.ts';
import { parseDuration } from '../util/duration.ts';
import { SeededRandom } from '../util/seeded-random.ts';
import { HarnessHealth } from './harness-health.ts';
import { measureWindow, type WindowMeasure } from './window-measure.ts';

/** Keeps this process's event loop busy for `ms`: the harness saturated, on purpose, for a test. */
export function blockEventLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}

/**
 * Saturates the machine's CPUs for a test: one busy child process per core, and one more,
 * each ending itself after `ms` (bounded even if the test dies). `stop()` ends them early.
 */
export function hogCpus(ms: number): { stop: () => void; children: ChildProcess[] } {
  const source = `const end = Date.now() + ${Math.round(ms)}; while (Date.now() < end) {}`;
  const children = Array.from({ length: availableParallelism() + 1 }, () => spawn(process.execPath, ['-e', source], { stdio: 'ignore' }));
  return { children, stop: () => children.forEach((c) => c.kill('SIGKILL')) };
}

export interface MeasuredRunOptions {
  url: URL;
  traffic: TrafficSpec;
  durationMs: number;
  /** Blocks this process's event loop (the harness's) for `ms` at `atMs` into the run, from an immediate (after I/O, as the harness's own work would). */
  block?: { atMs: number; ms: number };
  /** Saturates the machine's CPUs for the whole run. */
  hog?: boolean;
  /** Replaces what the machine's readings say about saturation, for a rule test (the scheduler cannot be made to starve a process on demand). */
  machine?: (fromMs: number, toMs: number) => boolean;
}

/**
 * Real traffic against a real server with the harness's health watched, as a drill does:
 * the engine, a HarnessHealth session on the same clock, then the run's whole window measured.
 */
export async function measuredRun(options: MeasuredRunOptions): Promise<WindowMeasure> {
  const health = new HarnessHealth();
  const originMs = performance.now();
  const session = health.session(originMs);
  const clock = () => performance.now() - originMs;
  const samples = new SampleLog();
  const engine = new TrafficEngine({ baseUrl: options.url, spec: options.traffic, clock, random: new SeededRandom(1), idPrefix: 't', onSample: samples.add });
  const hog = options.hog ? hogCpus(options.durationMs + 1000) : undefined;
  try {
    if (hog) await sleep(300); // let the hogs take the CPUs before the first request
    engine.start();
    const block = options.block;
    const blocked = block ? sleep(block.atMs).then(() => new Promise<void>((resolve) => setImmediate(() => resolve(blockEventLoop(block.ms))))) : Promise.resolve();
    await sleep(options.durationMs);
    await blocked;
    await engine.stop();
    const machine = options.machine;
    const health = machine ? { stallBetween: (a: number, b: number) => session.stallBetween(a, b), machineSaturatedBetween: machine, window: (a: number, b: number) => session.window(a, b) } : session;
    return measureWindow({ samples, fromMs: 0, toMs: Infinity, health, timeoutMs: parseDuration(options.traffic.timeout), dropped: engine.drops.total });
  } finally {
    hog?.stop();
    await engine.stop();
    session.close();
  }
}
