import type { Digest } from '../drivers/driver.ts';
import type { PromoteEntry, RollbackEntry, SealedEntry } from './ledger-entry.ts';

export interface LkgRecord {
  service: string;
  digest: Digest;
  version: string;
  /** The entry that made it the LKG: its promotion, or a rollback to an earlier promoted release. */
  since: SealedEntry & (PromoteEntry | RollbackEntry);
}

/**
 * The last-known-good release of a service, from the ledger: the newest release whose
 * promotion gate passed. A later rollback to another promoted release makes that one the
 * LKG again (the release rolled away from is no longer trusted); a rollback to a release
 * that never passed a gate changes nothing.
 */
export function lastKnownGood(entries: readonly SealedEntry[], service: string): LkgRecord | undefined {
  const promoted = new Set<string>();
  let lkg: LkgRecord | undefined;
  for (const entry of entries) {
    if (entry.type === 'promote' && entry.service === service && entry.outcome === 'promoted') {
      promoted.add(entry.digest);
      lkg = { service, digest: entry.digest, version: entry.version, since: entry };
    }
    if (entry.type === 'rollback' && entry.service === service && promoted.has(entry.to)) {
      lkg = { service, digest: entry.to, version: entry.version, since: entry };
    }
  }
  return lkg;
}

/** Every service the ledger names, in order of first appearance. */
export function ledgerServices(entries: readonly SealedEntry[]): string[] {
  const services = new Set<string>();
  for (const entry of entries) {
    if (entry.type === 'validate') entry.releases.forEach((r) => services.add(r.service));
    else services.add(entry.service);
  }
  return [...services];
}
