import type { TimelineEvent } from '../runner/timeline.ts';
import type { Sample, SampleSeq } from '../traffic/sample.ts';
import type { FaultRecovery, Recovery } from './results.ts';

/** The event that starts a recovery: a guard trip, a rejected rollout, a planned rollback, or an orchestrator's own rollback (swarm). */
export function findDetection(events: readonly TimelineEvent[], beforeMs = Infinity): TimelineEvent | undefined {
  return events.find((e) => e.tMs <= beforeMs && (e.type === 'guard' || e.type === 'deploy-rejected' || (e.type === 'rollback-start' && e.planned === true) || isOrchestratorRollback(e)));
}

/** Swarm decided to roll an update back by itself (`failureAction: rollback`), not because Drillbit asked. */
export function isOrchestratorRollback(e: TimelineEvent): boolean {
  return e.type === 'orchestrator-update' && e.state === 'rollback_started' && e.by === 'orchestrator';
}

/**
 * ttd and ttr from the timeline (DESIGN.md §2). ttd runs from the first bad observation
 * (a failed or too-slow request after the candidate took traffic, or the start of a rollout
 * that was rejected) to detection; ttr from detection to the `restored` instant.
 */
export function computeRecovery(events: readonly TimelineEvent[], samples: SampleSeq, rtoMs: number, latencyLimitMs?: number): Recovery {
  const detection = findDetection(events);
  if (!detection) {
    const afterFault = faultRecovery(events);
    return { ttdMs: null, ttrMs: null, rtoMs, withinSlo: null, ...(afterFault ? { afterFault } : {}) };
  }
  const kind = detection.type === 'guard' ? 'guard' : detection.type === 'deploy-rejected' ? 'deploy-rejected' : detection.type === 'orchestrator-update' ? 'orchestrator-rollback' : 'planned-rollback';
  const restored = events.find((e) => e.type === 'restored' && e.tMs >= detection.tMs);
  const restoredMs = restored ? Math.max(Number(restored.atMs ?? restored.tMs), detection.tMs) : undefined;
  const ttrMs = restoredMs === undefined ? null : Math.round(restoredMs - detection.tMs);
  // A planned rollback is not detected: it has no first bad observation, and no time to detect.
  const firstBadMs = kind === 'planned-rollback' ? undefined : firstBadObservation(events, samples, detection, latencyLimitMs);
  return {
    ttdMs: firstBadMs === undefined ? null : Math.max(0, Math.round(detection.tMs - firstBadMs)),
    ttrMs,
    rtoMs,
    withinSlo: ttrMs === null ? false : ttrMs <= rtoMs,
    detection: kind,
    ...(firstBadMs === undefined ? {} : { firstBadMs: Math.round(firstBadMs) }),
    detectedMs: Math.round(detection.tMs),
    restoredMs: restoredMs === undefined ? undefined : Math.round(restoredMs),
  };
}

/** The last fault reverted before the drill verified its LKG restored (or the last of all, if it never did). */
export function lastRevert(events: readonly TimelineEvent[], beforeMs = Infinity): TimelineEvent | undefined {
  return events.filter((e) => e.type === 'revert' && e.tMs <= beforeMs).at(-1);
}

/** A fault drill's recovery, measured from the revert of its last fault (recovery.afterFault). */
function faultRecovery(events: readonly TimelineEvent[]): FaultRecovery | undefined {
  const restored = events.find((e) => e.type === 'restored');
  const revert = lastRevert(events, restored?.tMs) ?? lastRevert(events);
  if (!revert) return undefined;
  const injected = events.find((e) => e.type === 'fault' && e.faultId === revert.faultId);
  const injectedMs = injected?.tMs ?? revert.tMs;
  const restoredAt = restored && restored.tMs >= revert.tMs ? Math.max(Number(restored.atMs ?? restored.tMs), revert.tMs) : undefined;
  return {
    faultId: String(revert.faultId),
    injectedMs: Math.round(injectedMs),
    revertedMs: Math.round(revert.tMs),
    ...(restoredAt === undefined ? {} : { restoredMs: Math.round(restoredAt) }),
    recoverMs: restoredAt === undefined ? null : Math.round(restoredAt - revert.tMs),
    impactMs: restoredAt === undefined ? null : Math.round(restoredAt - injectedMs),
  };
}

function firstBadObservation(events: readonly TimelineEvent[], samples: SampleSeq, detection: TimelineEvent, latencyLimitMs?: number): number {
  if (detection.type === 'rollback-start') return detection.tMs;
  const before = events.filter((e) => e.service === detection.service && e.tMs <= detection.tMs);
  if (detection.type === 'deploy-rejected') return [...before].reverse().find((e) => e.type === 'deploy-start')?.tMs ?? detection.tMs;
  if (detection.type === 'orchestrator-update') {
    // The first task of the rollout that failed (its health check, or its start), else the rollout's start.
    const rolloutMs = [...before].reverse().find((e) => e.type === 'deploy-start')?.tMs ?? detection.tMs;
    return before.find((e) => e.type === 'task-failed' && e.tMs >= rolloutMs)?.tMs ?? rolloutMs;
  }
  const switchMs = [...before].reverse().find((e) => e.type === 'deploy')?.tMs ?? detection.tMs;
  const bad = samples.find((s) => s.doneMs >= switchMs && s.doneMs <= detection.tMs && (!s.ok || (latencyLimitMs !== undefined && s.latencyMs > latencyLimitMs)));
  return bad?.doneMs ?? switchMs;
}

/**
 * The earliest instant in [fromMs, untilMs] from which every request sent was answered
 * well by the expected release: traffic's own evidence that the LKG was back. It is the
 * send time of the first good request after the last bad one, so it never claims a
 * recovery earlier than a request proved it.
 */
export function trafficRestoredSince(samples: SampleSeq, digest: string, fromMs: number, untilMs: number): number {
  const inRange = samples.filter((s) => s.sentMs >= fromMs && s.sentMs <= untilMs);
  const isGood = (s: Sample) => s.ok && (s.release === undefined || s.release === digest);
  const lastBadMs = inRange.reduce((latest, s) => (isGood(s) ? latest : Math.max(latest, s.sentMs)), -Infinity);
  const firstGoodAfter = inRange.reduce((earliest, s) => (isGood(s) && s.sentMs > lastBadMs ? Math.min(earliest, s.sentMs) : earliest), Infinity);
  return Number.isFinite(firstGoodAfter) ? Math.max(fromMs, firstGoodAfter) : untilMs;
}
