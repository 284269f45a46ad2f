import { failed, passed } from '../../checks/check-result.ts';
import type { Step } from '../../scenario/schema.ts';
import { formatMs, parseDuration } from '../../util/duration.ts';
import { sleep } from '../../util/sleep.ts';
import type { Drill } from '../drill.ts';
import type { TimelineEvent } from '../timeline.ts';

type ExpectRollbackStep = Extract<Step, { kind: 'expectRollback' }>;

const POLL_MS = 10;

/**
 * Waits for the guard to roll the newest candidate back (or for the candidate to be
 * rejected before it took traffic), and fails when that does not happen in time,
 * counted from the candidate's rollout.
 */
export async function runExpectRollbackStep(step: ExpectRollbackStep, drill: Drill): Promise<void> {
  const { timeline, signal, scenario } = drill.ctx;
  const service = step.service ?? scenario.traffic?.target ?? Object.keys(scenario.services)[0]!;
  const withinMs = parseDuration(step.within);
  const name = `${service} rolled back within ${formatMs(withinMs)}`;
  const sinceMs = drill.candidateSince.get(service);
  if (sinceMs === undefined) {
    drill.addCheck(failed(name, `no candidate of ${service} was rolled out, so nothing could be rolled back`));
    return;
  }
  const deadlineMs = sinceMs + withinMs;
  let outcome = findRollback(timeline.events, service, sinceMs);
  while (!outcome && timeline.now() < deadlineMs) {
    await sleep(POLL_MS, signal);
    outcome = findRollback(timeline.events, service, sinceMs);
  }
  if (!outcome || outcome.tMs > deadlineMs) {
    drill.addCheck(failed(name, outcome ? `rolled back only after ${formatMs(outcome.tMs - sinceMs)}` : notRolledBack(timeline.events, service, sinceMs, withinMs)));
    return;
  }
  const how = outcome.type === 'deploy-rejected' ? 'rejected before taking traffic' : 'rolled back by the guard';
  drill.addCheck(passed(name, `${how} ${formatMs(outcome.tMs - sinceMs)} after the rollout began`, { afterMs: Math.round(outcome.tMs - sinceMs) }));
}

/** Why the candidate is still there at the deadline: the guard never tripped, or it did and the rollback had not finished. */
export function notRolledBack(events: readonly TimelineEvent[], service: string, sinceMs: number, withinMs: number): string {
  const started = events.find((e) => e.type === 'rollback-start' && e.service === service && e.tMs >= sinceMs);
  if (!started) return `still on the candidate after ${formatMs(withinMs)}; the guard did not trip`;
  return `still on the candidate after ${formatMs(withinMs)}: the rollback began ${formatMs(started.tMs - sinceMs)} after the rollout and had not finished`;
}

function findRollback(events: readonly TimelineEvent[], service: string, sinceMs: number): TimelineEvent | undefined {
  return events.find((e) => e.service === service && e.tMs >= sinceMs && (e.type === 'deploy-rejected' || (e.type === 'rollback' && !isPlanned(events, e))));
}

/** A rollback that a `rollback` step asked for is not the automation the step expects. */
function isPlanned(events: readonly TimelineEvent[], rollback: TimelineEvent): boolean {
  const start = [...events].reverse().find((e) => e.type === 'rollback-start' && e.service === rollback.service && e.tMs <= rollback.tMs);
  return start?.planned === true;
}
