import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { processStartTime } from './proc-inspector.ts';

/**
 * `<workDir>/pids/<replica>.pid`: written when a replica spawns and removed once it is gone,
 * so `drillbit clean` can find and reap what a killed run left behind.
 */
export interface PidRecord {
  pid: number;
  /** Replicas lead their own process group: signal `-pgid` to reach everything they spawned. */
  pgid: number;
  runId: string;
  service: string;
  replica: string;
  digest: string;
  startedAt: string;
  /** Clock ticks since boot (/proc/<pid>/stat field 22); a pid whose start time differs was reused: leave it alone. */
  procStartTime?: number;
  command: readonly string[];
  cwd: string;
  port: number;
}

export function pidFilePath(workDir: string, replica: string): string {
  return join(workDir, 'pids', `${replica}.pid`);
}

export async function writePidFile(workDir: string, record: Omit<PidRecord, 'procStartTime' | 'startedAt'>): Promise<void> {
  const full: PidRecord = { ...record, startedAt: new Date().toISOString(), procStartTime: await processStartTime(record.pid) };
  await writeFileAtomic(pidFilePath(workDir, record.replica), `${JSON.stringify(full, null, 2)}\n`);
}

export async function removePidFile(workDir: string, replica: string): Promise<void> {
  await rm(pidFilePath(workDir, replica), { force: true });
}
