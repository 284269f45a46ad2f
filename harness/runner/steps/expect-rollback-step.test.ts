import { describe, expect, it } from 'vitest';
import { notRolledBack } from './expect-rollback-step.ts';
import type { TimelineEvent } from '../timeline.ts';

describe('why a candidate is still there at the rollback deadline', () => {
  const rollout = 1000;
  it('says the guard did not trip when no rollback began', () => {
    const events: TimelineEvent[] = [{ tMs: 1200, type: 'guard', service: 'other' }, { tMs: 1300, type: 'rollback-start', service: 'other' }];
    expect(notRolledBack(events, 'shop', rollout, 4000)).toBe('still on the candidate after 4.00s; the guard did not trip');
  });

  it('says when the rollback began where it began but had not finished', () => {
    const events: TimelineEvent[] = [{ tMs: 500, type: 'rollback-start', service: 'shop' }, { tMs: 3600, type: 'rollback-start', service: 'shop' }];
    expect(notRolledBack(events, 'shop', rollout, 4000)).toBe('still on the candidate after 4.00s: the rollback began 2.60s after the rollout and had not finished');
  });
});
