import { readFile, rm } from 'node:fs/promises';
import { processStartTime } from '../process/proc-inspector.ts';
import { terminateGroup } from '../process/process-group.ts';
import type { PidRecord } from '../process/pid-file.ts';
import type { DockerUndoRecord, UndoRecord } from './undo-record.ts';

/**
 * Carries out one undo record; the live run and `drillbit clean` both use it, so a
 * revert after a crash does exactly what the revert in the run would have done.
 * Idempotent: an undo whose target is already gone succeeds.
 */
export async function executeUndo(undo: UndoRecord): Promise<void> {
  switch (undo.kind) {
    case 'signal':
      if (await isSameProcess(undo.pid, undo.procStartTime)) signal(undo.pgid === undefined ? undo.pid : -undo.pgid, undo.signal);
      return;
    case 'kill-pid-file':
      await killPidFile(undo.path);
      return;
    case 'remove-path':
      await rm(undo.path, { recursive: true, force: true });
      return;
    case 'in-process':
      // Died with the run that held it; a live run reverts it through the fault's own revert.
      return;
    case 'docker':
      await dockerUndo(undo);
      return;
    case 'swarm': {
      // Loaded only when a journal holds a swarm undo.
      const { executeSwarmUndo } = await import('../drivers/swarm/swarm-undo.ts');
      await executeSwarmUndo(undo);
      return;
    }
  }
}

/** Loaded only when a journal holds a container undo: a run of the local driver never loads dockerode. */
async function dockerUndo(undo: DockerUndoRecord): Promise<void> {
  const { executeContainerUndo } = await import('../drivers/docker/container-undo.ts');
  await executeContainerUndo(undo);
}

/** True when `pid` still names the process recorded (same start time); without a recorded time, when it exists. */
export async function isSameProcess(pid: number, procStartTime: number | undefined): Promise<boolean> {
  const current = await processStartTime(pid);
  if (current === undefined) return pidExists(pid);
  return procStartTime === undefined || current === procStartTime;
}

async function killPidFile(path: string): Promise<void> {
  const record = await readFile(path, 'utf8').then((text) => JSON.parse(text) as Pick<PidRecord, 'pid' | 'pgid' | 'procStartTime'>).catch(() => undefined);
  if (record && (await isSameProcess(record.pid, record.procStartTime))) await terminateGroup(record.pgid ?? record.pid, 1000);
  await rm(path, { force: true });
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // ESRCH: already gone, which is what an undo wants.
  }
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
