import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

/** Live (non-zombie) processes whose environment carries this run's id: what a drill of the run started. */
export function processesOfRun(runId: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8');
      const state = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.[0];
      if (state !== 'Z' && environ.split('\0').includes(`DRILLBIT_RUN_ID=${runId}`)) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

export async function waitFor<T>(probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** One process as /proc shows it now: state (`R`, `S`, `T` stopped, `Z`…), parent, start time (clock ticks since boot). */
export interface ProcessSnapshot {
  pid: number;
  state: string;
  ppid: number;
  startTime: number;
}

export function processSnapshot(pid: number): ProcessSnapshot | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, state: fields[0]!, ppid: Number(fields[1]), startTime: Number(fields[19]) };
  } catch {
    return undefined;
  }
}

/** True while this very process (same pid, same start time) is alive and not a zombie. */
export function stillRunning(p: { pid: number; startTime?: number }): boolean {
  const now = processSnapshot(p.pid);
  return now !== undefined && now.state !== 'Z' && now.state !== 'X' && (p.startTime === undefined || now.startTime === p.startTime);
}

/** Live processes whose parent is `ppid`. */
export function childrenOf(ppid: number): ProcessSnapshot[] {
  return allPids().flatMap((pid) => {
    const p = processSnapshot(pid);
    return p && p.ppid === ppid && p.state !== 'Z' ? [p] : [];
  });
}

/** Live processes whose command line contains every one of `needles`. */
export function processesWithArgs(...needles: string[]): ProcessSnapshot[] {
  return allPids().flatMap((pid) => {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const p = processSnapshot(pid);
      return p && p.state !== 'Z' && needles.every((n) => cmdline.includes(n)) ? [p] : [];
    } catch {
      return [];
    }
  });
}

function allPids(): number[] {
  return readdirSync('/proc').filter((e) => /^\d+$/.test(e)).map(Number);
}

/** Live processes that name `dir` in their working directory, command line or environment: what a run under `dir` started. */
export function processesUnder(dir: string): ProcessSnapshot[] {
  return allPids().flatMap((pid) => {
    try {
      const p = processSnapshot(pid);
      if (!p || p.state === 'Z' || pid === process.pid) return [];
      const cwd = readlinkOr(`/proc/${pid}/cwd`);
      const named = cwd.startsWith(dir) || readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir) || readFileSync(`/proc/${pid}/environ`, 'utf8').includes(dir);
      return named ? [p] : [];
    } catch {
      return []; // ended while we looked, or not ours to read
    }
  });
}

function readlinkOr(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '';
  }
}
