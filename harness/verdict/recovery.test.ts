import { describe, expect, it } from 'vitest';
import { computeRecovery, findDetection, isOrchestratorRollback, trafficRestoredSince } from './recovery.ts';
import type { TimelineEvent } from '../runner/timeline.ts';
import type { Sample } from '../traffic/sample.ts';

function sample(sentMs: number, ok: boolean, release: string | undefined = 'sha256:lkg', latencyMs = 5): Sample {
  return { kind: 'read', intendedMs: sentMs, sentMs, doneMs: sentMs + latencyMs, latencyMs, status: ok ? 200 : 500, ok, release };
}

describe('computeRecovery', () => {
  it('measures ttd from the first failed request after the switch and ttr to the restored instant', () => {
    const events: TimelineEvent[] = [
      { tMs: 1000, type: 'deploy-start', service: 'shop' },
      { tMs: 1200, type: 'deploy', service: 'shop' },
      { tMs: 1500, type: 'guard', service: 'shop' },
      { tMs: 1510, type: 'rollback-start', service: 'shop', planned: false },
      { tMs: 1520, type: 'rollback', service: 'shop' },
      { tMs: 3600, type: 'restored', atMs: 1530 },
    ];
    const samples = [sample(1100, true), sample(1300, false), sample(1400, false)];
    const recovery = computeRecovery(events, samples, 15_000);
    expect(recovery).toMatchObject({ ttdMs: 195, ttrMs: 30, rtoMs: 15_000, withinSlo: true, detection: 'guard' });
  });

  it('fails the SLO when restore takes longer than the RTO, and when it never happens', () => {
    const events: TimelineEvent[] = [
      { tMs: 100, type: 'rollback-start', service: 'shop', planned: true },
      { tMs: 5000, type: 'restored', atMs: 2100 },
    ];
    expect(computeRecovery(events, [], 1000)).toMatchObject({ ttdMs: null, ttrMs: 2000, withinSlo: false, detection: 'planned-rollback' });
    expect(computeRecovery(events.slice(0, 1), [], 1000)).toMatchObject({ ttrMs: null, withinSlo: false });
  });

  it('reports nothing to recover when nothing was detected', () => {
    expect(computeRecovery([{ tMs: 1, type: 'deploy', service: 's' }], [], 1000)).toMatchObject({ ttdMs: null, ttrMs: null, withinSlo: null });
  });

  it("an orchestrator's own rollback (swarm): detection at its rollback_started, ttd from the first failed task, not the harness's rollback=previous", () => {
    const events: TimelineEvent[] = [
      { tMs: 1000, type: 'deploy-start', service: 'shop' },
      { tMs: 1100, type: 'orchestrator-update', service: 'shop', state: 'updating', by: 'orchestrator' },
      { tMs: 4000, type: 'task-failed', service: 'shop' },
      { tMs: 4600, type: 'orchestrator-update', service: 'shop', state: 'rollback_started', by: 'orchestrator' },
      { tMs: 5200, type: 'orchestrator-update', service: 'shop', state: 'rollback_completed', by: 'orchestrator' },
      { tMs: 5300, type: 'deploy-rejected', service: 'shop' },
      { tMs: 6400, type: 'restored', atMs: 5200 },
    ];
    expect(computeRecovery(events, [], 15_000)).toMatchObject({ detection: 'orchestrator-rollback', firstBadMs: 4000, ttdMs: 600, detectedMs: 4600, ttrMs: 600 });
    const askedFor = events.map((e) => (e.type === 'orchestrator-update' ? { ...e, by: 'harness' } : e));
    expect(computeRecovery(askedFor, [], 15_000)).toMatchObject({ detection: 'deploy-rejected' });
  });

  it('times a rejected rollout from its start', () => {
    const events: TimelineEvent[] = [
      { tMs: 500, type: 'deploy-start', service: 'shop' },
      { tMs: 800, type: 'deploy-rejected', service: 'shop' },
      { tMs: 2000, type: 'restored', atMs: 800 },
    ];
    expect(computeRecovery(events, [], 5000)).toMatchObject({ ttdMs: 300, ttrMs: 0, detection: 'deploy-rejected' });
  });
});

describe('trafficRestoredSince', () => {
  it('is the first good request after the last bad one, never earlier', () => {
    const samples = [sample(10, false), sample(20, true, 'sha256:candidate'), sample(30, true), sample(40, true)];
    expect(trafficRestoredSince(samples, 'sha256:lkg', 0, 100)).toBe(30);
  });

  it('falls back to the observation time without traffic evidence', () => {
    expect(trafficRestoredSince([], 'sha256:lkg', 0, 100)).toBe(100);
    expect(trafficRestoredSince([sample(90, false)], 'sha256:lkg', 0, 100)).toBe(100);
  });
});

describe('findDetection', () => {
  it('is a guard trip, a rejected rollout, a planned rollback or the orchestrator\'s own rollback, and nothing else', () => {
    const events: TimelineEvent[] = [
      { tMs: 1, type: 'rollback-start', service: 'shop', planned: false },
      { tMs: 2, type: 'deploy', service: 'shop', planned: true },
      { tMs: 3, type: 'orchestrator-update', service: 'shop', state: 'rollback_started', by: 'harness' },
      { tMs: 4, type: 'task-failed', service: 'shop', state: 'rollback_started', by: 'orchestrator' },
      { tMs: 5, type: 'rollback-start', service: 'shop', planned: true },
    ];
    expect(findDetection(events)?.tMs).toBe(5);
    expect(isOrchestratorRollback(events[3]!)).toBe(false);
    expect(isOrchestratorRollback({ tMs: 6, type: 'orchestrator-update', state: 'rollback_started', by: 'orchestrator' })).toBe(true);
  });

  it('looks no later than it is asked to, the instant itself included', () => {
    const events: TimelineEvent[] = [{ tMs: 100, type: 'guard', service: 'shop' }];
    expect(findDetection(events, 100)?.tMs).toBe(100);
    expect(findDetection(events, 99.9)).toBeUndefined();
  });
});

describe('computeRecovery: the edges', () => {
  const guardAt = (tMs: number, service = 'shop'): TimelineEvent => ({ tMs, type: 'guard', service });

  it('is within the SLO at exactly the RTO, and rounds the instants it reports', () => {
    const events: TimelineEvent[] = [guardAt(1000.4), { tMs: 3000, type: 'restored', atMs: 2000.4 }];
    expect(computeRecovery(events, [], 1000)).toEqual({ ttdMs: 0, ttrMs: 1000, rtoMs: 1000, withinSlo: true, detection: 'guard', firstBadMs: 1000, detectedMs: 1000, restoredMs: 2000 });
    expect(computeRecovery(events, [], 999)).toMatchObject({ withinSlo: false });
  });

  it('ignores a restore noted before the detection; one at the same instant counts, and never before it', () => {
    const early: TimelineEvent[] = [{ tMs: 500, type: 'restored', atMs: 400 }, guardAt(1000)];
    expect(computeRecovery(early, [], 5000)).toMatchObject({ ttrMs: null, withinSlo: false, restoredMs: undefined });
    expect(computeRecovery(early, [], 5000)).not.toHaveProperty('restoredMs', expect.anything());
    const same: TimelineEvent[] = [guardAt(1000), { tMs: 1000, type: 'restored', atMs: 900 }];
    expect(computeRecovery(same, [], 5000)).toMatchObject({ ttrMs: 0, restoredMs: 1000 });
    expect(computeRecovery([guardAt(1000), { tMs: 1700, type: 'restored' }], [], 5000)).toMatchObject({ ttrMs: 700, restoredMs: 1700 });
  });

  it('measures ttd from the first bad request completed between the switch and the detection, both included', () => {
    const events: TimelineEvent[] = [{ tMs: 1000, type: 'deploy', service: 'shop' }, guardAt(2000)];
    const bad = (doneMs: number): Sample => ({ ...sample(doneMs - 5, false), doneMs });
    expect(computeRecovery(events, [bad(999), bad(1000), bad(1500)], 5000)).toMatchObject({ firstBadMs: 1000, ttdMs: 1000 });
    expect(computeRecovery(events, [bad(999), bad(1500)], 5000)).toMatchObject({ firstBadMs: 1500, ttdMs: 500 });
    expect(computeRecovery(events, [sample(1100, true), bad(2000), bad(2001)], 5000)).toMatchObject({ firstBadMs: 2000, ttdMs: 0 });
    expect(computeRecovery(events, [bad(2001)], 5000)).toMatchObject({ firstBadMs: 1000, ttdMs: 1000 });
  });

  it('counts a request slower than the latency limit as bad, one at the limit as good, and latency not at all without a limit', () => {
    const events: TimelineEvent[] = [{ tMs: 1000, type: 'deploy', service: 'shop' }, guardAt(2000)];
    const slow = [sample(1100, true, 'sha256:c', 250), sample(1400, true, 'sha256:c', 301)];
    expect(computeRecovery(events, slow, 5000, 250)).toMatchObject({ firstBadMs: 1701 });
    expect(computeRecovery(events, slow, 5000, 249)).toMatchObject({ firstBadMs: 1350 });
    expect(computeRecovery(events, slow, 5000)).toMatchObject({ firstBadMs: 1000 });
  });

  it('takes the switch of the detected service, the latest one before the detection', () => {
    const events: TimelineEvent[] = [
      { tMs: 100, type: 'deploy', service: 'shop' },
      { tMs: 600, type: 'deploy', service: 'shop' },
      { tMs: 800, type: 'deploy', service: 'stock' },
      guardAt(1000),
      { tMs: 1001, type: 'deploy', service: 'shop' },
    ];
    expect(computeRecovery(events, [], 5000)).toMatchObject({ firstBadMs: 600, ttdMs: 400 });
    expect(computeRecovery([guardAt(1000)], [{ ...sample(10, false), doneMs: 1000 }], 5000)).toMatchObject({ firstBadMs: 1000, ttdMs: 0 });
  });

  it('times a rejected rollout from the latest start of that service, or from the rejection without one', () => {
    const events: TimelineEvent[] = [
      { tMs: 100, type: 'deploy-start', service: 'shop' },
      { tMs: 400, type: 'deploy-start', service: 'shop' },
      { tMs: 500, type: 'deploy-start', service: 'stock' },
      { tMs: 900, type: 'deploy-rejected', service: 'shop' },
      { tMs: 901, type: 'deploy-start', service: 'shop' },
    ];
    expect(computeRecovery(events, [], 5000)).toMatchObject({ firstBadMs: 400, ttdMs: 500 });
    expect(computeRecovery([{ tMs: 900, type: 'deploy-rejected', service: 'shop' }], [], 5000)).toMatchObject({ firstBadMs: 900, ttdMs: 0 });
  });

  it('times a planned rollback from its own start, whatever failed before it', () => {
    const events: TimelineEvent[] = [{ tMs: 100, type: 'deploy', service: 'shop' }, { tMs: 1000, type: 'rollback-start', service: 'shop', planned: true }];
    const recovery = computeRecovery(events, [sample(500, false)], 5000);
    expect(recovery).toMatchObject({ detection: 'planned-rollback', detectedMs: 1000, ttdMs: null });
    expect(recovery, 'a planned rollback has no first bad observation').not.toHaveProperty('firstBadMs');
  });

  it('a fault drill (nothing detected) recovers from its last fault\'s revert: time to recover from the revert, impact from the injection', () => {
    const events: TimelineEvent[] = [
      { tMs: 1000, type: 'fault', faultId: 'f1' },
      { tMs: 1500, type: 'revert', faultId: 'f1' },
      { tMs: 2000, type: 'fault', faultId: 'f2' },
      { tMs: 4000, type: 'revert', faultId: 'f2' },
      { tMs: 4900, type: 'restored', atMs: 4300 },
      { tMs: 6000, type: 'revert', faultId: 'f3' },
    ];
    expect(computeRecovery(events, [], 5000)).toEqual({
      ttdMs: null, ttrMs: null, rtoMs: 5000, withinSlo: null,
      afterFault: { faultId: 'f2', injectedMs: 2000, revertedMs: 4000, restoredMs: 4300, recoverMs: 300, impactMs: 2300 },
    });
    expect(computeRecovery(events.slice(0, 4), [], 5000).afterFault, 'never restored').toEqual({ faultId: 'f2', injectedMs: 2000, revertedMs: 4000, recoverMs: null, impactMs: null });
    expect(computeRecovery([{ tMs: 4900, type: 'restored', atMs: 3000 } as TimelineEvent, ...events.slice(2, 4)].sort((a, b) => a.tMs - b.tMs), [], 5000).afterFault?.recoverMs, 'never before its revert').toBe(0);
    expect(computeRecovery([{ tMs: 1, type: 'deploy', service: 's' }], [], 5000)).not.toHaveProperty('afterFault');
  });

  it("an orchestrator's rollback counts the failed tasks of its latest rollout only, from its start, else the rollout's start (else the rollback's)", () => {
    const rollback: TimelineEvent = { tMs: 5000, type: 'orchestrator-update', service: 'shop', state: 'rollback_started', by: 'orchestrator' };
    const events: TimelineEvent[] = [
      { tMs: 500, type: 'task-failed', service: 'shop' },
      { tMs: 1000, type: 'deploy-start', service: 'shop' },
      { tMs: 1500, type: 'task-failed', service: 'shop' },
      { tMs: 2000, type: 'deploy-start', service: 'shop' },
      { tMs: 2000, type: 'task-failed', service: 'shop' },
      { tMs: 3000, type: 'task-failed', service: 'shop' },
      rollback,
    ];
    expect(computeRecovery(events, [], 15_000)).toMatchObject({ firstBadMs: 2000, ttdMs: 3000 });
    expect(computeRecovery([events[3]!, { ...events[4]!, service: 'stock' }, rollback], [], 15_000)).toMatchObject({ firstBadMs: 2000 });
    // A task that failed at the very instant the orchestrator rolled back is still that rollout's.
    expect(computeRecovery([events[1]!, { ...events[5]!, tMs: 5000 }, rollback], [], 15_000)).toMatchObject({ firstBadMs: 5000, ttdMs: 0 });
    expect(computeRecovery([{ tMs: 500, type: 'task-failed', service: 'shop' }, rollback], [], 15_000)).toMatchObject({ firstBadMs: 5000, ttdMs: 0 });
    expect(computeRecovery([rollback], [], 15_000)).toMatchObject({ firstBadMs: 5000, ttdMs: 0 });
  });
});

describe('trafficRestoredSince: the edges', () => {
  it('judges only requests sent within the range, both ends included', () => {
    expect(trafficRestoredSince([sample(5, false), sample(10, true), sample(20, true)], 'sha256:lkg', 10, 100)).toBe(10);
    expect(trafficRestoredSince([sample(5, false), sample(8, true), sample(20, true)], 'sha256:lkg', 10, 100)).toBe(20);
    expect(trafficRestoredSince([sample(10, false), sample(20, true)], 'sha256:lkg', 10, 100)).toBe(20);
    expect(trafficRestoredSince([sample(20, true), sample(100, false)], 'sha256:lkg', 10, 100)).toBe(100);
    expect(trafficRestoredSince([sample(20, true), sample(101, false)], 'sha256:lkg', 10, 100)).toBe(20);
  });

  it('takes the last bad request, a good one from another release as bad, and one that does not say as good', () => {
    const samples = [sample(10, false), sample(30, false), sample(20, false), sample(40, true, 'sha256:candidate'), { ...sample(50, true), release: undefined }, sample(60, true)];
    expect(trafficRestoredSince(samples, 'sha256:lkg', 0, 100)).toBe(50);
  });

  it('never counts a good request sent at the same instant as the last bad one', () => {
    expect(trafficRestoredSince([sample(30, true), sample(30, false), sample(31, true)], 'sha256:lkg', 0, 100)).toBe(31);
  });
});
