import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';

/** Cumulative CPU counters at one instant; windows are differences of two readings. */
export interface CpuReading {
  /** performance.now() ms. */
  atMs: number;
  /** This process's user + system CPU, ms (process.cpuUsage()). */
  processMs: number;
  /** Every core's busy and total time, ms (/proc/stat, else os.cpus()). */
  machineBusyMs: number;
  machineTotalMs: number;
  /** Time at least one task waited for a CPU, ms (/proc/pressure/cpu "some"); undefined without PSI. */
  pressureMs: number | undefined;
  /** Time this process's main thread was runnable but waiting for a CPU, ms, and the timeslices it ran (/proc/self/schedstat); undefined without it. */
  waitMs: number | undefined;
  slices: number | undefined;
}

/** A window's CPU, from two readings. */
export interface CpuUse {
  /** This process's CPU in the window, ms. */
  processMs: number;
  /** Share of the machine's cores busy, 0–1. */
  machineBusy: number;
  /** Share of the window some task waited for a CPU, 0–1; undefined without PSI. */
  pressure: number | undefined;
  /** Share of the window the harness's main thread waited for a CPU it wanted, 0–1; undefined without schedstat. */
  waiting: number | undefined;
  /** How long, on average, the harness's main thread waited for a CPU each time it became runnable, ms. */
  waitPerWakeMs: number | undefined;
}

const MS_PER_TICK = 10; // USER_HZ is 100 on every Linux this runs on

/** Reads the counters now. Never throws: /proc may be missing (then os.cpus() and no PSI). */
export function readCpu(): CpuReading {
  const usage = process.cpuUsage();
  const machine = procStat() ?? osCpus();
  return { atMs: performance.now(), processMs: (usage.user + usage.system) / 1000, ...machine, pressureMs: cpuPressureMs(), ...runQueueWait() };
}

export function cpuBetween(a: CpuReading, b: CpuReading): CpuUse {
  const total = b.machineTotalMs - a.machineTotalMs;
  const wall = b.atMs - a.atMs;
  const share = (x: number | undefined, y: number | undefined) => (x === undefined || y === undefined || wall <= 0 ? undefined : clamp01((y - x) / wall));
  const slices = a.slices === undefined || b.slices === undefined ? undefined : b.slices - a.slices;
  const waitPerWakeMs = slices === undefined || a.waitMs === undefined || b.waitMs === undefined ? undefined : slices > 0 ? (b.waitMs - a.waitMs) / slices : 0;
  return { processMs: b.processMs - a.processMs, machineBusy: total > 0 ? clamp01((b.machineBusyMs - a.machineBusyMs) / total) : 0, pressure: share(a.pressureMs, b.pressureMs), waiting: share(a.waitMs, b.waitMs), waitPerWakeMs };
}

function procStat(): { machineBusyMs: number; machineTotalMs: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    // cpu user nice system idle iowait irq softirq steal guest guest_nice (guest is inside user)
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1, 9).map(Number) as number[];
    const idleAll = idle! + iowait!;
    const busy = user! + nice! + system! + irq! + softirq! + steal!;
    return { machineBusyMs: busy * MS_PER_TICK, machineTotalMs: (busy + idleAll) * MS_PER_TICK };
  } catch {
    return undefined;
  }
}

function osCpus(): { machineBusyMs: number; machineTotalMs: number } {
  let busy = 0;
  let total = 0;
  for (const { times } of cpus()) {
    busy += times.user + times.nice + times.sys + times.irq;
    total += times.user + times.nice + times.sys + times.irq + times.idle;
  }
  return { machineBusyMs: busy, machineTotalMs: total };
}

function cpuPressureMs(): number | undefined {
  try {
    const some = /^some .*total=(\d+)/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
    return some ? Number(some[1]) / 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** /proc/<pid>/schedstat: time on a CPU, time waiting on a run queue (ns), timeslices run — of this process's main thread. */
function runQueueWait(): { waitMs: number | undefined; slices: number | undefined } {
  try {
    const [, wait, slices] = readFileSync('/proc/self/schedstat', 'utf8').trim().split(' ').map(Number);
    return Number.isFinite(wait) && Number.isFinite(slices) ? { waitMs: wait! / 1e6, slices: slices! } : { waitMs: undefined, slices: undefined };
  } catch {
    return { waitMs: undefined, slices: undefined };
  }
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}
