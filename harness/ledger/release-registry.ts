import type { ResolvedRelease } from '../drivers/driver.ts';
import { DrillbitError } from '../errors.ts';
import type { RegisterEntry, SealedEntry } from './ledger-entry.ts';
import type { Ledger } from './ledger.ts';

/**
 * The registry of releases, kept in the ledger: a release is registered once per digest,
 * with its provenance. A version label names one digest forever; registering it again
 * with other content is refused — an immutable release needs a new version.
 */
export async function registerReleases(ledger: Ledger, releases: readonly ResolvedRelease[], runId?: string): Promise<Map<string, SealedEntry & RegisterEntry>> {
  const unique = [...new Map(releases.map((r) => [`${r.service}\0${r.digest}`, r])).values()];
  const byKey = new Map<string, SealedEntry & RegisterEntry>();
  await ledger.file.appendWith((existing) => {
    const registered = registrations(existing);
    const fresh: RegisterEntry[] = [];
    const problems: string[] = [];
    for (const release of unique) {
      const known = registered.get(versionKey(release.service, release.version)) ?? fresh.find((e) => e.service === release.service && e.version === release.version);
      if (known && known.digest !== release.digest) {
        problems.push(`version ${release.version} of ${release.service} is already ${known.digest}; an immutable release needs a new version (${release.source} is ${release.digest})`);
      } else if (!known) {
        fresh.push(registerEntry(release, ledger.actor, runId));
      }
    }
    if (problems.length) {
      throw new DrillbitError('bad-input', problems.join('\n'), { hint: `give the changed release a new version label, or use another ledger (--ledger FILE; this one is ${ledger.file.path})` });
    }
    return fresh;
  });
  for (const entry of registrations(await ledger.file.entries()).values()) byKey.set(`${entry.service}\0${entry.digest}`, entry);
  return byKey;
}

/** The register entry of each service's version, by `service\0version`. */
export function registrations(entries: readonly SealedEntry[]): Map<string, SealedEntry & RegisterEntry> {
  const map = new Map<string, SealedEntry & RegisterEntry>();
  for (const entry of entries) {
    if (entry.type === 'register' && !map.has(versionKey(entry.service, entry.version))) map.set(versionKey(entry.service, entry.version), entry);
  }
  return map;
}

/** The registration of a release by its digest. */
export function registrationOf(entries: readonly SealedEntry[], service: string, digest: string): (SealedEntry & RegisterEntry) | undefined {
  return entries.find((e): e is SealedEntry & RegisterEntry => e.type === 'register' && e.service === service && e.digest === digest);
}

function registerEntry(release: ResolvedRelease, by: string, runId: string | undefined): RegisterEntry {
  return {
    type: 'register',
    service: release.service,
    version: release.version,
    digest: release.digest,
    configDigest: release.configDigest,
    source: release.source,
    kind: release.image && !release.storePath ? 'image' : 'bundle',
    createdAt: release.createdAt ?? null,
    labels: release.labels ?? {},
    by,
    ...(runId ? { runId } : {}),
  };
}

function versionKey(service: string, version: string): string {
  return `${service}\0${version}`;
}
