import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { processStartTime } from '../process/proc-inspector.ts';
import { isSameProcess } from '../faults/undo-executor.ts';

/** `<stateDir>/runs/<runId>/owner.json`: which process runs this run, so `clean` never reaps a live one. */
export interface RunOwner {
  runId: string;
  pid: number;
  procStartTime?: number;
  startedAt: string;
  cwd: string;
  finishedAt?: string;
}

export function ownerPath(runDir: string): string {
  return join(runDir, 'owner.json');
}

export async function claimRun(runDir: string, runId: string, cwd: string): Promise<RunOwner> {
  const owner: RunOwner = { runId, pid: process.pid, procStartTime: await processStartTime(process.pid), startedAt: new Date().toISOString(), cwd };
  await writeFileAtomic(ownerPath(runDir), `${JSON.stringify(owner, null, 2)}\n`);
  return owner;
}

export async function markRunFinished(runDir: string, owner: RunOwner): Promise<void> {
  await writeFileAtomic(ownerPath(runDir), `${JSON.stringify({ ...owner, finishedAt: new Date().toISOString() }, null, 2)}\n`);
}

export async function readOwner(runDir: string): Promise<RunOwner | undefined> {
  try {
    return JSON.parse(await readFile(ownerPath(runDir), 'utf8')) as RunOwner;
  } catch {
    return undefined;
  }
}

/** A run is live while the process that owns it (same pid, same start time) is, and is not a zombie. */
export async function isRunLive(owner: RunOwner): Promise<boolean> {
  if (owner.pid === process.pid) return true;
  return (await isSameProcess(owner.pid, owner.procStartTime)) && !(await isZombie(owner.pid));
}

/** A killed owner its parent has not waited for yet keeps its pid and start time, but is dead. */
async function isZombie(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const state = stat.slice(stat.lastIndexOf(')') + 2)[0];
  return state === 'Z' || state === 'X';
}
