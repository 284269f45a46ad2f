import type { TimelineEvent } from '../runner/timeline.ts';
import type { ScenarioResult } from '../verdict/results.ts';
import type { RollbackKind } from './bench-drills.ts';

/** Where one drill's wall time went, and what is left for the harness itself. */
export interface OverheadBreakdown {
  status: string;
  /** runDrills wall time: release resolution, environment, steps, checks, teardown. */
  wallMs: number;
  /** The scenario result's durationMs: environment up to teardown done. */
  durationMs: number;
  /** Steady windows, waits and stabilization windows the scenario asks for. */
  declaredWaitMs: number;
  /** Every `deploy` event's durationMs (replicas booting until healthy). */
  deployMs: number[];
  /** durationMs of cold rollbacks (ones that had to start the release), outside the guard wait. */
  coldRollbackMs: number[];
  /** Candidate's `deploy` → the guard's `rollback`: the service being bad until the guard acts. */
  guardWaitMs: number;
  /** durationMs − declared waits − boots − guard wait. */
  drillOverheadMs: number;
  /** wallMs − declared waits − boots − guard wait. */
  wallOverheadMs: number;
}

export function drillOverhead(result: ScenarioResult, rollbackKinds: RollbackKind[], declaredWaitMs: number, wallMs: number): OverheadBreakdown {
  const events = result.timeline;
  const guardRollback = findGuardRollback(events);
  const deployMs = events.filter((e) => e.type === 'deploy').map(durationOf);
  const coldRollbackMs = events
    .filter((e) => e.type === 'rollback')
    .filter((e, i) => rollbackKinds[i] === 'cold' && e !== guardRollback?.rollback)
    .map(durationOf);
  const guardWaitMs = guardRollback ? guardRollback.rollback.tMs - guardRollback.candidateDeploy.tMs : 0;
  const accounted = declaredWaitMs + sum(deployMs) + sum(coldRollbackMs) + guardWaitMs;
  return {
    status: result.status,
    wallMs: Math.round(wallMs),
    durationMs: result.durationMs,
    declaredWaitMs,
    deployMs,
    coldRollbackMs,
    guardWaitMs: Math.round(guardWaitMs),
    drillOverheadMs: Math.round(result.durationMs - accounted),
    wallOverheadMs: Math.round(wallMs - accounted),
  };
}

/** The first guard trip's rollback, and the deploy of the candidate it rolled back. */
export function findGuardRollback(events: readonly TimelineEvent[]): { guard: TimelineEvent; rollback: TimelineEvent; candidateDeploy: TimelineEvent } | undefined {
  const guard = events.find((e) => e.type === 'guard');
  if (!guard) return undefined;
  const rollback = events.find((e) => e.type === 'rollback' && e.service === guard.service && e.tMs >= guard.tMs);
  const candidateDeploy = events.findLast((e) => e.type === 'deploy' && e.service === guard.service && e.tMs <= guard.tMs);
  return rollback && candidateDeploy ? { guard, rollback, candidateDeploy } : undefined;
}

function durationOf(event: TimelineEvent): number {
  return typeof event.durationMs === 'number' ? event.durationMs : 0;
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
