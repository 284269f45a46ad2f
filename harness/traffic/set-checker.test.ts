import { describe, expect, it } from 'vitest';
import { checkSet, MAX_LISTED_IDS, unreadSet } from './set-checker.ts';
import { resolveWriteSpec, WriteTracker } from './write-tracker.ts';

function trackerWith(statuses: number[]): WriteTracker {
  const tracker = new WriteTracker(resolveWriteSpec('/orders'), 'run');
  for (const status of statuses) tracker.complete(tracker.invoke(0).id, status, 1);
  return tracker;
}

describe('checkSet', () => {
  it('finds lost, unexpected and recovered writes; ignores ids that are not ours', () => {
    const tracker = trackerWith([201, 201, 201, 400, 500, 0]); // run-1..3 ok, run-4 failed, run-5/6 indeterminate
    const result = checkSet(tracker, { present: new Set(['run-1', 'run-3', 'run-4', 'run-5', 'run-99', 'other-1', 'run10-1']), mode: 'list' });
    expect(result).toMatchObject({
      attempted: 6, acked: 3, failed: 1, indeterminate: 2,
      lost: 1, lostIds: ['run-2'], unexpected: 1, unexpectedIds: ['run-99'], recovered: 1, failedPresent: 1, readBack: true,
    });
  });

  it('is valid when every acked write is present', () => {
    const result = checkSet(trackerWith([201, 204]), { present: new Set(['run-1', 'run-2']), mode: 'byId' });
    expect(result).toMatchObject({ lost: 0, unexpected: 0, readBack: true });
    expect(result.unexpectedIds).toBeUndefined();
  });

  it('counts every lost write but lists only the first 100', () => {
    const result = checkSet(trackerWith(Array.from({ length: 150 }, () => 201)), { present: new Set(), mode: 'list' });
    expect(result.lost).toBe(150);
    expect(result.lostIds).toHaveLength(MAX_LISTED_IDS);
    expect(result.lostIds[0]).toBe('run-1');
  });

  it('marks an unread set as unknown, with pending writes indeterminate', () => {
    const tracker = trackerWith([201]);
    tracker.invoke(2);
    expect(unreadSet(tracker, 'boom')).toEqual({ attempted: 2, acked: 1, failed: 0, indeterminate: 1, lost: 0, lostIds: [], unexpected: 0, recovered: 0, readBack: false, readBackError: 'boom' });
  });

  it('counts failed writes that were applied anyway, and only those', () => {
    const result = checkSet(trackerWith([400, 400, 503]), { present: new Set(['run-2']), mode: 'list' });
    expect(result).toMatchObject({ failed: 2, failedPresent: 1, indeterminate: 1, recovered: 0, lost: 0 });
  });
});
