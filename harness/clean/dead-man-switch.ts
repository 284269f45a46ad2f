import { spawn } from 'node:child_process';
import { utimes, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { heartbeatPath } from './watchdog.ts';

const RUN_TS = fileURLToPath(new URL('../../bin/run-ts.mjs', import.meta.url));
const WATCHDOG = fileURLToPath(new URL('./watchdog.ts', import.meta.url));
const HEARTBEAT_MS = 1000;

/**
 * Starts the run's watchdog (a detached process that outlives a SIGKILL of this one) and
 * beats the heart it watches. `stop()` ends the heartbeat; the watchdog exits by itself
 * once the run's owner file says finished.
 */
export async function armDeadManSwitch(runDir: string, deadManMs: number): Promise<{ stop: () => void }> {
  const beat = heartbeatPath(runDir);
  await writeFile(beat, '');
  const watchdog = spawn(process.execPath, [RUN_TS, WATCHDOG, runDir, String(deadManMs)], { detached: true, stdio: 'ignore' });
  watchdog.unref();
  const timer = setInterval(() => {
    const now = new Date();
    void utimes(beat, now, now).catch(() => undefined);
  }, HEARTBEAT_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
