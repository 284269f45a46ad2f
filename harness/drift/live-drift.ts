import { short } from '../checks/lkg-equality-check.ts';
import type { DesiredService } from './desired-state.ts';
import type { DriftDiff } from './drift-detector.ts';
import { generationOf, type LiveReplica } from './live-replica.ts';

/**
 * Diffs the replicas found running against the desired state. The serving generation is
 * the newest that runs the desired release (older ones stay warm by design, so they are
 * not drift); its replicas are counted, and each must run intact files and the release's
 * literal env values (placeholders are per replica, so they are not compared).
 */
export function liveDrift(desired: readonly DesiredService[], live: readonly LiveReplica[]): DriftDiff[] {
  const diffs: DriftDiff[] = [];
  for (const want of desired) {
    const mine = live.filter((r) => r.service === want.service);
    const onDesired = mine.filter((r) => r.digest === want.digest);
    if (onDesired.length === 0) {
      diffs.push({ service: want.service, kind: 'release', desired: `${want.version} ${short(want.digest)}`, observed: mine.length ? [...new Set(mine.map((r) => short(r.digest)))].join(', ') : 'nothing running' });
      continue;
    }
    const generation = Math.max(...onDesired.map((r) => generationOf(r.id)));
    const serving = mine.filter((r) => generationOf(r.id) === generation);
    if (serving.length !== want.replicas) diffs.push({ service: want.service, kind: 'replicas', desired: String(want.replicas), observed: String(serving.length) });
    for (const replica of serving) {
      const at = { service: want.service, replica: replica.id };
      if (replica.digest !== want.digest) diffs.push({ ...at, kind: 'release', desired: short(want.digest), observed: short(replica.digest) });
      if (replica.contentIntact === false) diffs.push({ ...at, kind: 'content', desired: `the files of ${short(want.digest)}`, observed: 'its files no longer hash to its digest' });
      for (const [key, value] of Object.entries(want.env)) {
        if (value.includes('{')) continue;
        if (replica.env[key] !== value) diffs.push({ ...at, kind: 'env', key, desired: JSON.stringify(value), observed: replica.env[key] === undefined ? '(unset)' : JSON.stringify(replica.env[key]) });
      }
    }
  }
  return diffs;
}
