import { spawn, type ChildProcess } from 'node:child_process';
import { basename, dirname } from 'node:path';
import { DrillbitError, errorMessage } from '../../errors.ts';
import { pidFilePath, writePidFile } from '../../process/pid-file.ts';
import { signalGroup } from '../../process/process-group.ts';
import { throwIfAborted } from '../../util/sleep.ts';
import type { FaultContext } from '../fault-type.ts';
import { executeUndo } from '../undo-executor.ts';
import type { UndoRecord } from '../undo-record.ts';

/** `<workDir>/pids/fault-<injectionId>-<i>.pid`: known before anything spawns, so plan() can journal it. */
export function helperPidFile(workDir: string, injectionId: string, index: number): string {
  return pidFilePath(workDir, helperName(injectionId, index));
}

function helperName(injectionId: string, index: number): string {
  return `fault-${injectionId}-${index}`;
}

export interface HelperProcess {
  pid: number;
  child: ChildProcess;
}

/**
 * Starts `node -e <script> <harness pid> ...args` next to a service, as stress-ng would run:
 * detached in its own process group, with an empty environment (no harness loaders), and its
 * pid file written right after the spawn so the run's revert and `drillbit clean` can reap
 * it. `script` should exit once `process.ppid` is no longer argv[1]: a helper whose harness
 * was SIGKILLed then ends by itself even before `drillbit clean` runs.
 */
export async function spawnHelper(ctx: FaultContext, service: string, index: number, script: string, args: readonly string[], options: { stdout?: boolean } = {}): Promise<HelperProcess> {
  throwIfAborted(ctx.signal);
  const argv = [process.execPath, '-e', script, String(process.pid), ...args];
  const child = spawn(argv[0]!, argv.slice(1), { detached: true, env: {}, stdio: ['ignore', options.stdout ? 'pipe' : 'ignore', 'ignore'] });
  const spawned = await new Promise<number>((resolve, reject) => {
    child.once('spawn', () => resolve(child.pid!));
    child.once('error', (error) => reject(new DrillbitError('infrastructure', `could not start a fault helper (${process.execPath}): ${error.message}`)));
  });
  const name = helperName(ctx.injectionId, index);
  try {
    await writePidFile(ctx.workDir, { pid: spawned, pgid: spawned, runId: basename(dirname(ctx.workDir)), service, replica: name, digest: '', command: argv, cwd: process.cwd(), port: 0 });
  } catch (error) {
    signalGroup(spawned, 'SIGKILL');
    throw new DrillbitError('infrastructure', `pid file of fault helper ${name} could not be written: ${errorMessage(error)}`);
  }
  if (!options.stdout) child.unref();
  return { pid: spawned, child };
}

/** Runs undo records together (helpers of one fault are independent); the first failure is rethrown after all ran. */
export async function executeUndos(undo: readonly UndoRecord[]): Promise<void> {
  const results = await Promise.allSettled(undo.map((record) => executeUndo(record)));
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}
