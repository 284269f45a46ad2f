import type { Digest, ObservationEvidence, ObservedReplica, ObservedService, ResolvedRelease } from '../drivers/driver.ts';
import { failed, passed, unknown, type CheckResult } from './check-result.ts';

export interface LkgComparison {
  expected: Digest;
  /** The digest every serving replica runs, `mixed:…` when they differ, `none` when nothing serves. */
  observed: string;
  /** True only when everything was observed and equal; false for a mismatch and for what could not be observed. */
  match: boolean;
  /** Why it does not match, for the person reading the result. */
  reason?: string;
  /** Set when nothing differs but something could not be observed: why (the check is then unknown, not failed). */
  unobservable?: string;
  /** Where the serving replicas' digests came from (driver.ts `ObservationEvidence`). */
  evidence?: ObservationEvidence;
  /** The scenario's name and the version of the LKG, and of what serves when it is one release the scenario knows (additive). */
  expectedRelease?: ReleaseName;
  observedRelease?: ReleaseName;
}

export interface ReleaseName {
  name: string;
  version: string;
}

/** The scenario's release of a service with this digest, if it has one: so a message can say `v2 (2.0.0, sha256:…)`. */
export type ReleaseLookup = (service: string, digest: string) => ResolvedRelease | undefined;

/**
 * LKG equality, measured: every service's serving replicas must all run the LKG's digest
 * and config digest, be healthy, and be as many as the scenario asks for. A mixed state
 * (some replicas still on the candidate) does not match. A digest or config digest that
 * could not be observed is neither a match nor a difference: `unobservable`.
 */
export function compareWithLkg(
  observed: Record<string, ObservedService>,
  lkg: ReadonlyMap<string, ResolvedRelease>,
  replicas: Record<string, number>,
  releases: ReleaseLookup = () => undefined,
): Record<string, LkgComparison> {
  const result: Record<string, LkgComparison> = {};
  for (const [service, expected] of lkg) {
    result[service] = compareService(observed[service], expected, replicas[service] ?? 1, (digest) => releases(service, digest));
  }
  return result;
}

function compareService(observed: ObservedService | undefined, expected: ResolvedRelease, wantReplicas: number, releaseOf: (digest: string) => ResolvedRelease | undefined): LkgComparison {
  const serving = observed?.replicas.filter((r) => r.serving) ?? [];
  const digests = [...new Set(serving.map((r) => (releaseSeen(r) ? (r.digest ?? 'unknown') : 'unobservable')))];
  const summary = digests.length === 0 ? 'none' : digests.length === 1 ? digests[0]! : `mixed:${digests.join(',')}`;
  const evidence = serving.find((r) => r.evidence && (!releaseSeen(r) || !configSeen(r)))?.evidence ?? serving[0]?.evidence;
  const observedRelease = digests.length === 1 ? releaseOf(digests[0]!) : undefined;
  const base = {
    expected: expected.digest,
    observed: summary,
    ...(evidence ? { evidence } : {}),
    ...(named(expected) ? { expectedRelease: { name: expected.name, version: expected.version } } : {}),
    ...(observedRelease && named(observedRelease) ? { observedRelease: { name: observedRelease.name, version: observedRelease.version } } : {}),
  };
  const label = (digest: string | undefined) => describeRelease(digest && digest === expected.digest ? expected : digest ? releaseOf(digest) : undefined, digest);
  if (serving.length === 0) return { ...base, match: false, reason: 'no replica serves traffic' };
  const wrong = serving.filter((r) => releaseSeen(r) && r.digest !== expected.digest);
  if (wrong.length) return { ...base, match: false, reason: `${wrong.length} of ${serving.length} serving replicas run ${[...new Set(wrong.map((r) => label(r.digest)))].join(', ')}, not the LKG ${label(expected.digest)}` };
  const drifted = serving.filter((r) => configSeen(r) && r.configDigest !== expected.configDigest);
  if (drifted.length) return { ...base, match: false, reason: `${drifted.length} replicas run the LKG artifact with a different configuration (config drift)` };
  const unhealthy = serving.filter((r) => !r.healthy);
  if (unhealthy.length) return { ...base, match: false, reason: `${unhealthy.length} serving replicas are unhealthy` };
  if (serving.length !== wantReplicas) return { ...base, match: false, reason: `${serving.length} replicas serve, the scenario asks for ${wantReplicas}` };
  const unseen = serving.filter((r) => !releaseSeen(r) || !configSeen(r));
  if (unseen.length) {
    const why = unseen[0]!.evidence?.reason ?? 'the driver did not say';
    const what = unseen.some((r) => !releaseSeen(r)) ? 'the release' : 'the configuration';
    return { ...base, match: false, unobservable: `${what} of ${unseen.length} of ${serving.length} serving replicas could not be observed (${why})` };
  }
  return { ...base, match: true };
}

/** The replica's digest was observed (a replica without a digest that says nothing of why was not). */
function releaseSeen(r: ObservedReplica): boolean {
  return r.evidence ? r.evidence.release !== 'unobservable' : r.digest !== undefined;
}

function configSeen(r: ObservedReplica): boolean {
  return r.evidence ? r.evidence.config !== 'unobservable' && r.configDigest !== undefined : r.configDigest !== undefined;
}

/** Failed when a service differs from its LKG; unknown when none differs but one could not be observed; passed otherwise. */
export function lkgEqualityCheck(name: string, comparison: Record<string, LkgComparison>): CheckResult {
  const services = Object.entries(comparison);
  const mismatches = services.filter(([, c]) => !c.match && !c.unobservable);
  const unseen = services.filter(([, c]) => c.unobservable);
  if (services.length === 0) return failed(name, 'no service has a last-known-good release to compare with');
  if (mismatches.length) return failed(name, mismatches.map(([s, c]) => `${s}: ${c.reason}`).join('; '), { services: comparison });
  if (unseen.length) return unknown(name, `unobservable: ${unseen.map(([s, c]) => `${s}: ${c.unobservable}`).join('; ')}`, { services: comparison });
  return passed(name, `every service runs its LKG (${services.map(([s, c]) => `${s}=${c.expectedRelease ? `${c.expectedRelease.name} ${c.expectedRelease.version} ` : ''}${short(c.expected)}`).join(', ')})`, { services: comparison });
}

/** Whether a comparison can never become a match by waiting: something of it cannot be observed. */
export function isUnobservable(comparison: Record<string, LkgComparison>): boolean {
  const values = Object.values(comparison);
  return values.some((c) => c.unobservable) && values.every((c) => c.match || c.unobservable);
}

/** `v2 (2.0.0, sha256:d5e41d9e0a9b)` where the scenario names the release, else the short digest. */
export function describeRelease(release: { name?: string; version?: string } | undefined, digest: string | undefined): string {
  return release && named(release) ? `${release.name} (${release.version}, ${short(digest)})` : short(digest);
}

function named(release: { name?: string; version?: string }): release is { name: string; version: string } {
  return typeof release.name === 'string' && typeof release.version === 'string';
}

export function short(digest: string | undefined): string {
  if (!digest) return 'unknown';
  return digest.startsWith('sha256:') ? `sha256:${digest.slice(7, 19)}` : digest;
}
