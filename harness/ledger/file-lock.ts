import { open, readFile, rm, stat } from 'node:fs/promises';
import { DrillbitError } from '../errors.ts';
import { sleep } from '../util/sleep.ts';

/** A lock older than this whose holder cannot be proved alive is stale (a killed writer). */
const STALE_MS = 30_000;
const WAIT_MS = 15_000;

/**
 * Runs `action` holding `<path>.lock`, created with O_EXCL so that exactly one process
 * holds it. A lock left by a dead process (its pid is gone) or older than 30 s is removed
 * and taken over, so a SIGKILLed writer never blocks the ledger for good.
 */
export async function withFileLock<T>(path: string, action: () => Promise<T>): Promise<T> {
  const lock = `${path}.lock`;
  const deadline = performance.now() + WAIT_MS;
  for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
    if (await tryCreate(lock)) break;
    if (await isStale(lock)) {
      await rm(lock, { force: true });
      continue;
    }
    if (performance.now() > deadline) {
      throw new DrillbitError('infrastructure', `could not lock ${path}: ${lock} has been held for ${WAIT_MS / 1000}s`, { hint: `if no drillbit process is running, remove ${lock}` });
    }
    await sleep(delay);
  }
  try {
    return await action();
  } finally {
    await rm(lock, { force: true });
  }
}

async function tryCreate(lock: string): Promise<boolean> {
  try {
    const handle = await open(lock, 'wx');
    await handle.writeFile(`${process.pid} ${new Date().toISOString()}\n`);
    await handle.close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

async function isStale(lock: string): Promise<boolean> {
  try {
    const [text, info] = await Promise.all([readFile(lock, 'utf8'), stat(lock)]);
    const pid = Number(text.split(' ')[0]);
    if (Number.isInteger(pid) && pid > 0 && !processAlive(pid)) return true;
    return Date.now() - info.mtimeMs > STALE_MS;
  } catch {
    // Gone between our attempts (released), or half-written by a writer that just created it.
    return false;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
