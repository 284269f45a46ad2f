import { readFile } from 'node:fs/promises';

// /proc reports CPU time in clock ticks; USER_HZ is 100 on every Linux this runs on.
const MS_PER_TICK = 10;

/** CPU time (user + system) another process has used so far, in ms; undefined without /proc. */
export async function processCpuMs(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat(5); fields[0] here is field 3.
    return (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK;
  } catch {
    return undefined;
  }
}

/** Measures how many cores `pid` kept busy while `work` ran (1 = one core all the time). */
export async function coresUsedDuring<T>(pid: number | undefined, work: () => Promise<T>): Promise<{ value: T; cores: number | undefined }> {
  const before = pid === undefined ? undefined : await processCpuMs(pid);
  const started = performance.now();
  const value = await work();
  const elapsedMs = performance.now() - started;
  const after = pid === undefined ? undefined : await processCpuMs(pid);
  const cores = before === undefined || after === undefined ? undefined : Math.round(((after - before) / elapsedMs) * 100) / 100;
  return { value, cores };
}
