import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pendingUndos } from '../faults/fault-journal.ts';
import { executeUndo } from '../faults/undo-executor.ts';
import { readdir } from 'node:fs/promises';
import { isRunLive, readOwner } from './run-owner.ts';
import { reapRun } from './run-reaper.ts';

/**
 * The dead-man switch of a run with faults, in a process of its own: when the run dies
 * (SIGKILL, a crash) it reaps what the run left at once; when the run is alive but has
 * not beaten its heart for `deadManMs` (a hung event loop), it replays the pending fault
 * undos so no fault outlives the run's control. It exits when the run finishes.
 *
 * `node bin/run-ts.mjs harness/clean/watchdog.ts <runDir> <deadManMs>`
 */
export async function main(args: string[]): Promise<number> {
  const [runDir, deadMan] = args;
  if (!runDir) return 2;
  const deadManMs = Number(deadMan ?? 30_000);
  const maxLifetimeMs = 24 * 3_600_000;
  const started = Date.now();
  let undone = false;
  while (Date.now() - started < maxLifetimeMs) {
    await sleep(250);
    const owner = await readOwner(runDir);
    if (!owner || owner.finishedAt) return 0;
    if (!(await isRunLive(owner))) {
      await reapRun(runDir);
      return 0;
    }
    if (!undone && (await heartbeatAgeMs(runDir)) > deadManMs) {
      await undoPendingFaults(runDir);
      undone = true;
    }
  }
  return 0;
}

export function heartbeatPath(runDir: string): string {
  return join(runDir, 'heartbeat');
}

async function heartbeatAgeMs(runDir: string): Promise<number> {
  try {
    return Date.now() - (await stat(heartbeatPath(runDir))).mtimeMs;
  } catch {
    return 0;
  }
}

async function undoPendingFaults(runDir: string): Promise<void> {
  for (const entry of await readdir(runDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    for (const pending of pendingUndos(join(runDir, entry.name, 'faults.ndjson'))) {
      for (const undo of pending.undo) await executeUndo(undo).catch(() => undefined);
    }
  }
}
