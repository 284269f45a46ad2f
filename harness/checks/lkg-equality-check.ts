import type { Digest, ObservedService, ResolvedRelease } from '../drivers/driver.ts';
import { failed, passed, type CheckResult } from './check-result.ts';

export interface LkgComparison {
  expected: Digest;
  /** The digest every serving replica runs, `mixed:…` when they differ, `none` when nothing serves. */
  observed: string;
  match: boolean;
  /** Why it does not match, for the person reading the result. */
  reason?: string;
}

/**
 * LKG equality, measured: every service's serving replicas must all run the LKG's digest
 * and config digest, be healthy, and be as many as the scenario asks for. A mixed state
 * (some replicas still on the candidate) does not match.
 */
export function compareWithLkg(
  observed: Record<string, ObservedService>,
  lkg: ReadonlyMap<string, ResolvedRelease>,
  replicas: Record<string, number>,
): Record<string, LkgComparison> {
  const result: Record<string, LkgComparison> = {};
  for (const [service, expected] of lkg) {
    result[service] = compareService(observed[service], expected, replicas[service] ?? 1);
  }
  return result;
}

function compareService(observed: ObservedService | undefined, expected: ResolvedRelease, wantReplicas: number): LkgComparison {
  const serving = observed?.replicas.filter((r) => r.serving) ?? [];
  const digests = [...new Set(serving.map((r) => r.digest ?? 'unknown'))];
  const summary = digests.length === 0 ? 'none' : digests.length === 1 ? digests[0]! : `mixed:${digests.join(',')}`;
  const base = { expected: expected.digest, observed: summary };
  if (serving.length === 0) return { ...base, match: false, reason: 'no replica serves traffic' };
  const wrong = serving.filter((r) => r.digest !== expected.digest);
  if (wrong.length) return { ...base, match: false, reason: `${wrong.length} of ${serving.length} serving replicas run ${wrong.map((r) => short(r.digest)).join(', ')}, not the LKG ${short(expected.digest)}` };
  const drifted = serving.filter((r) => r.configDigest !== undefined && r.configDigest !== expected.configDigest);
  if (drifted.length) return { ...base, match: false, reason: `${drifted.length} replicas run the LKG artifact with a different configuration (config drift)` };
  const unhealthy = serving.filter((r) => !r.healthy);
  if (unhealthy.length) return { ...base, match: false, reason: `${unhealthy.length} serving replicas are unhealthy` };
  if (serving.length !== wantReplicas) return { ...base, match: false, reason: `${serving.length} replicas serve, the scenario asks for ${wantReplicas}` };
  return { ...base, match: true };
}

export function lkgEqualityCheck(name: string, comparison: Record<string, LkgComparison>): CheckResult {
  const services = Object.entries(comparison);
  const mismatches = services.filter(([, c]) => !c.match);
  if (services.length === 0) return failed(name, 'no service has a last-known-good release to compare with');
  if (mismatches.length === 0) return passed(name, `every service runs its LKG (${services.map(([s, c]) => `${s}=${short(c.expected)}`).join(', ')})`, { services: comparison });
  return failed(name, mismatches.map(([s, c]) => `${s}: ${c.reason}`).join('; '), { services: comparison });
}

export function short(digest: string | undefined): string {
  if (!digest) return 'unknown';
  return digest.startsWith('sha256:') ? `sha256:${digest.slice(7, 19)}` : digest;
}
