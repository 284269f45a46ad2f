import type { DataResult } from './sample.ts';
import { effectiveOutcome, type WriteTracker } from './write-tracker.ts';

/** How many ids a result lists; the counts always cover all of them. */
export const MAX_LISTED_IDS = 100;

export interface ReadSet {
  /** Ids the read-back found. */
  present: ReadonlySet<string>;
  /**
   * `list`: `present` is the whole store, so ids of this run never attempted are unexpected.
   * `byId`: only attempted ids were asked about, so nothing can be unexpected.
   */
  mode: 'list' | 'byId';
}

/**
 * Jepsen's set checker over this run's writes: lost = acknowledged but absent,
 * unexpected = present with this run's id shape but never attempted, recovered =
 * indeterminate but present. Ids of other runs or other clients are not ours and ignored.
 */
export function checkSet(tracker: WriteTracker, read: ReadSet): DataResult {
  const result: DataResult = { attempted: 0, acked: 0, failed: 0, indeterminate: 0, lost: 0, lostIds: [], unexpected: 0, recovered: 0, readBack: true };
  let failedPresent = 0;
  for (const record of tracker.all()) {
    result.attempted++;
    const present = read.present.has(record.id);
    const outcome = effectiveOutcome(record);
    if (outcome === 'ok') {
      result.acked++;
      if (!present) addCapped(result.lostIds, record.id, ++result.lost);
    } else if (outcome === 'failed') {
      result.failed++;
      if (present) failedPresent++;
    } else {
      result.indeterminate++;
      if (present) result.recovered++;
    }
  }
  if (read.mode === 'list') {
    result.unexpectedIds = [];
    for (const id of read.present) {
      if (tracker.isOurs(id) && tracker.get(id) === undefined) addCapped(result.unexpectedIds, id, ++result.unexpected);
    }
    result.failedPresent = failedPresent;
  }
  return result;
}

/** The result when the set could not be read: counts of what was written, the check unknown. */
export function unreadSet(tracker: WriteTracker, error: string): DataResult {
  const counts = tracker.counts();
  return {
    attempted: counts.attempted,
    acked: counts.acked,
    failed: counts.failed,
    indeterminate: counts.indeterminate + counts.pending,
    lost: 0,
    lostIds: [],
    unexpected: 0,
    recovered: 0,
    readBack: false,
    readBackError: error,
  };
}

function addCapped(ids: string[], id: string, count: number): void {
  if (count <= MAX_LISTED_IDS) ids.push(id);
}
