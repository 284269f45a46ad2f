import { short } from '../checks/lkg-equality-check.ts';
import type { ObservedReplica, StartedEnvironment } from '../drivers/driver.ts';
import type { DesiredService } from './desired-state.ts';

export type DriftKind = 'release' | 'content' | 'config' | 'env' | 'replicas';

/** One way a service differs from what the ledger says it should be. */
export interface DriftDiff {
  service: string;
  replica?: string;
  kind: DriftKind;
  /** For env: the variable. */
  key?: string;
  desired: string;
  observed: string;
}

export interface DriftReport {
  diffs: DriftDiff[];
  /** What could not be observed, one line each (`shop/shop-g1-0: config: this OS has no /proc …`): never a difference, never a match. */
  unobservable: string[];
}

/**
 * Compares what runs — measured: digests, config digests and env from the processes or
 * the engine, the files each replica runs, the replicas that serve — with the desired
 * state from the ledger. Every difference is a diff; none means no drift. What could not be
 * observed is said as such, so that it neither invents drift nor passes for its absence.
 */
export async function detectDrift(env: StartedEnvironment, desired: readonly DesiredService[]): Promise<DriftReport> {
  const observed = await env.observe();
  const diffs: DriftDiff[] = [];
  const unobservable: string[] = [];
  for (const want of desired) {
    const serving = (observed[want.service]?.replicas ?? []).filter((r) => r.serving);
    if (serving.length !== want.replicas) diffs.push({ service: want.service, kind: 'replicas', desired: String(want.replicas), observed: String(serving.length) });
    for (const replica of serving) {
      diffs.push(...replicaDrift(want, replica));
      unobservable.push(...unobserved(want.service, replica));
    }
    if (env.inspectContent) {
      for (const content of await env.inspectContent(want.service)) {
        if (content.changed.length) diffs.push({ service: want.service, replica: content.replicaId, kind: 'content', desired: `the files of ${short(want.digest)}`, observed: `changed: ${content.changed.join(', ')}` });
      }
    }
  }
  return { diffs, unobservable };
}

function unobserved(service: string, replica: ObservedReplica): string[] {
  const evidence = replica.evidence;
  const why = evidence?.reason ?? 'the driver did not say';
  const lines: string[] = [];
  if (evidence?.release === 'unobservable') lines.push(`${service}/${replica.id}: release: ${why}`);
  if (evidence?.config === 'unobservable' || (evidence?.config !== undefined && replica.configDigest === undefined)) lines.push(`${service}/${replica.id}: config: ${why}`);
  return lines;
}

function replicaDrift(want: DesiredService, replica: ObservedReplica): DriftDiff[] {
  const at = { service: want.service, replica: replica.id };
  const diffs: DriftDiff[] = [];
  if (replica.evidence?.release !== 'unobservable' && replica.digest !== want.digest) diffs.push({ ...at, kind: 'release', desired: `${want.version} ${short(want.digest)}`, observed: short(replica.digest) });
  if (want.configDigest && replica.configDigest && replica.configDigest !== want.configDigest) {
    diffs.push({ ...at, kind: 'config', desired: short(want.configDigest), observed: short(replica.configDigest) });
  }
  if (replica.env && replica.digest === want.digest) {
    for (const key of [...new Set([...Object.keys(want.env), ...Object.keys(replica.env)])].sort()) {
      const [desired, actual] = [want.env[key], replica.env[key]];
      if (desired !== actual) diffs.push({ ...at, kind: 'env', key, desired: desired === undefined ? '(unset)' : JSON.stringify(desired), observed: actual === undefined ? '(unset)' : JSON.stringify(actual) });
    }
  }
  return diffs;
}

/** `shop/shop-g1-0: env SHOP_BEHAVIOUR: desired "good", observed "drifted"`. */
export function describeDiff(diff: DriftDiff): string {
  return `${diff.service}${diff.replica ? `/${diff.replica}` : ''}: ${diff.kind}${diff.key ? ` ${diff.key}` : ''}: desired ${diff.desired}, observed ${diff.observed}`;
}
