import { describe, expect, it } from 'vitest';
import { computeRecovery, trafficRestoredSince } from './recovery.ts';
import type { TimelineEvent } from '../runner/timeline.ts';
import type { Sample } from '../traffic/sample.ts';

function sample(sentMs: number, ok: boolean, release = 'sha256:lkg'): Sample {
  return { kind: 'read', intendedMs: sentMs, sentMs, doneMs: sentMs + 5, latencyMs: 5, status: ok ? 200 : 500, ok, release };
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
    expect(computeRecovery(events, [], 1000)).toMatchObject({ ttdMs: 0, ttrMs: 2000, withinSlo: false, detection: 'planned-rollback' });
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
