import type { Digest, ResolvedRelease } from '../drivers/driver.ts';
import type { LedgerEntry, RegisterEntry } from '../ledger/ledger-entry.ts';

/** What a service should be, according to the ledger: the release it was last deployed or rolled back to. */
export interface DesiredService {
  service: string;
  digest: Digest;
  version: string;
  /** From the release's registration. */
  configDigest?: Digest;
  replicas: number;
  /** The release's env, as its manifest templates it. */
  env: Record<string, string>;
}

/**
 * The desired state of every service the entries deployed: the newest deploy that took
 * traffic, or rollback, decides the release; the newest deploy the replica count.
 */
export function desiredState(
  entries: readonly LedgerEntry[],
  lookup: {
    registration(service: string, digest: Digest): RegisterEntry | undefined;
    release(service: string, digest: Digest): ResolvedRelease | undefined;
  },
): DesiredService[] {
  const latest = new Map<string, { digest: Digest; version: string }>();
  const replicas = new Map<string, number>();
  for (const entry of entries) {
    if (entry.type === 'deploy' && entry.outcome === 'deployed') {
      latest.set(entry.service, { digest: entry.digest, version: entry.version });
      if (entry.replicas !== undefined) replicas.set(entry.service, entry.replicas);
    }
    if (entry.type === 'rollback') latest.set(entry.service, { digest: entry.to, version: entry.version });
  }
  return [...latest].map(([service, { digest, version }]) => {
    const release = lookup.release(service, digest);
    // The scenario's own configuration of the release (a compose file can add env) wins over the registration's.
    const configDigest = release?.configDigest ?? lookup.registration(service, digest)?.configDigest;
    return { service, digest, version, ...(configDigest ? { configDigest } : {}), replicas: replicas.get(service) ?? 1, env: release?.manifest.env ?? {} };
  });
}
