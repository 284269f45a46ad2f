import { setTimeout as sleep } from 'node:timers/promises';
import { groupHasLiveMembers } from './proc-inspector.ts';

/** Sends a signal to every process of a group; a group that is already gone is not an error. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: nothing left to signal.
  }
}

/**
 * SIGTERM to the whole group, SIGKILL to whatever is left after the grace, then waits
 * (bounded) until no live member remains. Safe on a group that is already gone.
 */
export async function terminateGroup(pgid: number, graceMs: number): Promise<void> {
  if (!(await groupHasLiveMembers(pgid))) return;
  signalGroup(pgid, 'SIGTERM');
  signalGroup(pgid, 'SIGCONT'); // a paused member (a fault) must be able to handle the SIGTERM
  if (await waitGroupGone(pgid, graceMs)) return;
  signalGroup(pgid, 'SIGKILL');
  await waitGroupGone(pgid, 2000);
}

/** True once no live member remains, false if some still run at the deadline. */
export async function waitGroupGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (await groupHasLiveMembers(pgid)) {
    if (performance.now() >= deadline) return false;
    await sleep(10);
  }
  return true;
}
