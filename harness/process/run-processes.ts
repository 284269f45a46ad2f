import { readdir, readFile, readlink } from 'node:fs/promises';
import { signalGroup } from './process-group.ts';

/**
 * The process groups on this host (in this PID namespace: not inside containers) with a
 * member started with `DRILLBIT_RUN_ID=<runId>`: what a run launched, found without its pid
 * files — a second line for `drillbit clean` when a run was killed before a pid file was on
 * disk. A local replica's launcher (`unshare`, or its init) keeps the environment it was
 * started with, whatever the release does to its own, and killing its group ends the
 * replica's whole PID namespace.
 */
export async function processGroupsOfRun(runId: string): Promise<number[]> {
  const needle = `DRILLBIT_RUN_ID=${runId}`;
  const ownNamespace = await readlink('/proc/self/ns/pid').catch(() => undefined);
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return [];
  }
  const groups = new Set<number>();
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    if (ownNamespace && (await readlink(`/proc/${entry}/ns/pid`).catch(() => '')) !== ownNamespace) continue;
    const environ = await readFile(`/proc/${entry}/environ`, 'utf8').catch(() => '');
    if (!environ.split('\0').includes(needle)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X' || !fields[2]) continue;
    groups.add(Number(fields[2]));
  }
  return [...groups].sort((a, b) => a - b);
}

/** SIGKILLs every such group (SIGCONT first: a stopped group must be able to die); returns how many there were. */
export async function killProcessGroupsOfRun(runId: string, dryRun = false): Promise<number> {
  const groups = await processGroupsOfRun(runId);
  if (!dryRun) {
    for (const group of groups) {
      signalGroup(group, 'SIGKILL');
      signalGroup(group, 'SIGCONT');
    }
  }
  return groups.length;
}
