import { configDigest } from '../../release/bundle-digest.ts';
import type { Digest, ObservationEvidence, ObservedReplica } from '../driver.ts';
import { processEnviron, runningDigest } from '../../process/proc-inspector.ts';
import { fillPlaceholders, type ReplicaProcess } from './replica-process.ts';

const HEALTH_TIMEOUT_MS = 1000;

/**
 * What one replica really is right now, from what its release cannot rewrite: the process
 * Drillbit launched for it (its init or `unshare`, Drillbit's own program, pinned by pid and
 * start time) runs from the release's store copy with the env the release was started with.
 * Its `/proc/<pid>/cwd` gives the digest, its `/proc/<pid>/environ` the config digest — so a
 * release that clears its env (nginx), rewrites its title (postgres) or changes directory is
 * observed as it was launched, and a replica relaunched with other env (drift) is seen as
 * such. Plus a live health GET. A dead replica is unhealthy and has no digest. Without /proc
 * (`useProc` false) neither digest can be observed: they are `unobservable`, never assumed.
 */
export async function observeReplica(replica: ReplicaProcess, serving: boolean, useProc: boolean): Promise<ObservedReplica> {
  const pid = replica.pid;
  if (!replica.alive || pid === undefined) return { id: replica.id, pid, healthy: false, serving: false };
  if (!useProc) {
    const healthy = await replica.isHealthy(HEALTH_TIMEOUT_MS);
    return { id: replica.id, pid, healthy, serving, address: addressOf(replica), evidence: { release: 'unobservable', config: 'unobservable', reason: 'this OS has no /proc to read a process\'s working directory and environment from' } };
  }
  const [healthy, digest, measured] = await Promise.all([replica.isHealthy(HEALTH_TIMEOUT_MS), runningDigest(pid), measuredConfig(replica, pid)]);
  if (!replica.alive) return { id: replica.id, pid, healthy: false, serving: false };
  const evidence: ObservationEvidence = { release: 'launcher-cwd', config: measured ? 'launcher-environ' : 'unobservable', ...(measured ? {} : { reason: `/proc/${pid}/environ could not be read` }) };
  return { id: replica.id, pid, healthy, serving, digest, configDigest: measured?.digest, ...(measured ? { env: measured.env } : {}), address: addressOf(replica), evidence };
}

function addressOf(replica: ReplicaProcess): URL {
  return new URL(`http://127.0.0.1:${replica.port}`);
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
