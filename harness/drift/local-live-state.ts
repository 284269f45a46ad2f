import { readdir, readFile, readlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { PidRecord } from '../process/pid-file.ts';
import { processEnviron, processStartTime } from '../process/proc-inspector.ts';
import { digestFiles, listBundleFiles } from '../release/bundle-digest.ts';
import type { LiveReplica } from './live-replica.ts';

/**
 * What a local run's attempt really runs, read from outside the run: its pid files name the
 * replicas; /proc says which are alive (same start time), what directory each runs from
 * (its digest), whether those files still hash to it, and the env each was started with.
 */
export async function localLiveReplicas(workDir: string): Promise<LiveReplica[]> {
  const dir = join(workDir, 'pids');
  const names = await readdir(dir).catch(() => [] as string[]);
  const replicas = await Promise.all(names.filter((n) => n.endsWith('.pid')).map((name) => readReplica(join(dir, name))));
  return replicas.filter((r): r is LiveReplica => r !== undefined);
}

async function readReplica(file: string): Promise<LiveReplica | undefined> {
  let record: PidRecord;
  try {
    record = JSON.parse(await readFile(file, 'utf8')) as PidRecord;
  } catch {
    return undefined;
  }
  const started = await processStartTime(record.pid);
  if (started === undefined || (record.procStartTime !== undefined && started !== record.procStartTime)) return undefined;
  const cwd = await readlink(`/proc/${record.pid}/cwd`).catch(() => undefined);
  const name = cwd ? basename(cwd) : '';
  const digest = name.startsWith('sha256-') ? `sha256:${name.slice(7)}` : undefined;
  const contentIntact = cwd && digest ? (await digestFiles(await listBundleFiles(cwd))) === digest : undefined;
  const environ = await processEnviron(record.pid);
  return { service: record.service, id: record.replica, ...(digest ? { digest } : {}), ...(contentIntact !== undefined ? { contentIntact } : {}), env: Object.fromEntries(environ ?? []), releaseDir: cwd };
}
