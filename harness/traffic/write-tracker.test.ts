import { describe, expect, it } from 'vitest';
import { writeSpecSchema } from '../scenario/schema.ts';
import { resolveWriteSpec, WriteTracker } from './write-tracker.ts';

describe('WriteTracker', () => {
  it('gives unique ids and fills {id} in path and body', () => {
    const tracker = new WriteTracker(writeSpecSchema.parse({ method: 'PUT', path: '/kv/{id}', body: '{"key":"{id}","v":"{id}"}' }), 'run7');
    const first = tracker.invoke(0);
    const second = tracker.invoke(1);
    expect(first).toMatchObject({ id: 'run7-1', method: 'PUT', path: '/kv/run7-1', body: '{"key":"run7-1","v":"run7-1"}' });
    expect(second.id).toBe('run7-2');
  });

  it('classifies as Jepsen does: ack ok, 4xx failed, anything else indeterminate', () => {
    const tracker = new WriteTracker(resolveWriteSpec('/orders'), 'r');
    expect([200, 201, 204].map((s) => tracker.classify(s))).toEqual(['ok', 'ok', 'ok']);
    expect([400, 409, 429].map((s) => tracker.classify(s))).toEqual(['failed', 'failed', 'failed']);
    expect([0, 302, 500, 503].map((s) => tracker.classify(s))).toEqual(['indeterminate', 'indeterminate', 'indeterminate', 'indeterminate']);
  });

  it('uses failStatuses instead of every 4xx when given', () => {
    const tracker = new WriteTracker(writeSpecSchema.parse({ path: '/o', ackStatuses: [202], failStatuses: [409] }), 'r');
    expect(tracker.classify(202)).toBe('ok');
    expect(tracker.classify(201)).toBe('indeterminate');
    expect(tracker.classify(409)).toBe('failed');
    expect(tracker.classify(400)).toBe('indeterminate');
  });

  it('records outcomes once and counts pending writes', () => {
    const tracker = new WriteTracker(resolveWriteSpec('/orders'), 'r');
    const ids = [0, 1, 2, 3].map((t) => tracker.invoke(t).id);
    tracker.complete(ids[0]!, 201, 5);
    tracker.complete(ids[1]!, 400, 5);
    tracker.complete(ids[2]!, 0, 5, 'timeout after 2000ms');
    expect(tracker.complete(ids[0]!, 500, 6)).toBe('ok');
    expect(tracker.counts()).toEqual({ attempted: 4, acked: 1, failed: 1, indeterminate: 1, pending: 1 });
    expect(tracker.idsWith('indeterminate')).toEqual([ids[2], ids[3]]);
    expect(tracker.get(ids[2]!)).toMatchObject({ status: 0, error: 'timeout after 2000ms', completedMs: 5 });
  });

  it("recognises this run's id shape only", () => {
    const tracker = new WriteTracker(resolveWriteSpec('/orders'), 'run1');
    expect(tracker.isOurs('run1-17')).toBe(true);
    expect(tracker.isOurs('run10-17')).toBe(false);
    expect(tracker.isOurs('run1-x-3')).toBe(false);
  });
});
