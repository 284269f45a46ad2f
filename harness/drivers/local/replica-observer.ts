import { configDigest } from '../../release/bundle-digest.ts';
import type { Digest, ObservedReplica } from '../driver.ts';
import { processEnviron, runningDigest } from '../../process/proc-inspector.ts';
import { fillPlaceholders, type ReplicaProcess } from './replica-process.ts';

const HEALTH_TIMEOUT_MS = 1000;

/**
 * What one replica really is right now: its digest from the process's working directory
 * (the store directory it runs from), its config digest from the environment it was
 * started with, and a live health GET. A dead replica is unhealthy and has no digest.
 * Without /proc (`useProc` false), the digests are the recorded ones.
 */
export async function observeReplica(replica: ReplicaProcess, serving: boolean, useProc: boolean): Promise<ObservedReplica> {
  const pid = replica.pid;
  if (!replica.alive || pid === undefined) return { id: replica.id, pid, healthy: false, serving: false };
  const [healthy, digest, measured] = await Promise.all([
    replica.isHealthy(HEALTH_TIMEOUT_MS),
    useProc ? runningDigest(pid) : replica.release.digest,
    useProc ? measuredConfig(replica, pid) : { digest: replica.release.configDigest, env: replica.release.manifest.env },
  ]);
  if (!replica.alive) return { id: replica.id, pid, healthy: false, serving: false };
  return { id: replica.id, pid, healthy, serving, digest, configDigest: measured?.digest, ...(measured ? { env: measured.env } : {}), address: new URL(`http://127.0.0.1:${replica.port}`) };
}

/**
 * The config digest recomputed from the values the process really has for the manifest's
 * env keys: a value equal to the template with this replica's placeholders filled in counts
 * as the template, anything else (or a missing key) changes the digest.
 */
async function measuredConfig(replica: ReplicaProcess, pid: number): Promise<{ digest: Digest; env: Record<string, string> } | undefined> {
  const environ = await processEnviron(pid);
  if (!environ) return undefined;
  const { command, env: templates, health } = replica.release.manifest;
  const placeholders = replica.placeholders();
  const env: Record<string, string> = {};
  for (const [key, template] of Object.entries(templates)) {
    const actual = environ.get(key);
    if (actual === undefined) continue;
    const expected = fillPlaceholders(template, placeholders);
    env[key] = actual === expected ? template : actual;
  }
  return { digest: configDigest({ command, env, health }), env };
}
