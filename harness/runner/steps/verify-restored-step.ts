import { compareWithLkg, isUnobservable, lkgEqualityCheck, type LkgComparison } from '../../checks/lkg-equality-check.ts';
import { failed, passed, unknown, type CheckResult } from '../../checks/check-result.ts';
import { formatMs, parseDuration } from '../../util/duration.ts';
import { sleep } from '../../util/sleep.ts';
import type { Drill } from '../drill.ts';
import { judgeSentBetween } from './window-slis.ts';
import { harnessSaturated } from '../../checks/check-result.ts';
import { measuredSliCheck } from '../../checks/measured-sli-check.ts';
import { findDetection, lastRevert, trafficRestoredSince } from '../../verdict/recovery.ts';

const OBSERVE_EVERY_MS = 25;
const RESTORED = 'restored within the verification window';

export interface VerifyOptions {
  stabilizationMs: number;
  withinMs: number;
}

export function verifyOptions(drill: Drill, step: { for?: string | number; within?: string | number }): VerifyOptions {
  const { slo } = drill.ctx.scenario;
  const stabilizationMs = parseDuration(step.for ?? slo.stabilization);
  const withinMs = step.within !== undefined ? parseDuration(step.within) : parseDuration(slo.recoveryTime) + stabilizationMs + 5_000;
  return { stabilizationMs, withinMs };
}

/**
 * A rollback is done when the checks say so: finds the first instant from which every
 * service runs its LKG (observed, not assumed) and the SLIs stay in SLO for the
 * stabilization window, and puts it on the timeline as `restored`.
 */
export async function runVerifyRestoredStep(step: { for?: string | number; within?: string | number }, drill: Drill): Promise<void> {
  const { timeline, signal, scenario } = drill.ctx;
  const { stabilizationMs, withinMs } = verifyOptions(drill, step);
  const deadlineMs = timeline.now() + withinMs;
  const replicas = Object.fromEntries(Object.entries(scenario.services).map(([name, s]) => [name, s.replicas]));
  let last: Record<string, LkgComparison> = {};
  let slisFailure: string | undefined;
  /** The newest window the harness's own lateness could account for: it may have held, so it is not a failure. */
  let saturated: string | undefined;

  while (timeline.now() < deadlineMs) {
    const candidateMs = timeline.now();
    last = compareWithLkg(await drill.environment().observe(), drill.lkg, replicas, drill.releaseByDigest);
    // Waiting cannot make what is unobservable observed: the restore cannot be told, either way.
    if (isUnobservable(last)) break;
    if (!allMatch(last)) {
      await sleep(OBSERVE_EVERY_MS, signal);
      continue;
    }
    const stable = await holdsFor(drill, candidateMs, stabilizationMs, replicas);
    if (stable.drifted) {
      last = stable.drifted;
      continue;
    }
    const window = judgeSentBetween(drill, candidateMs, candidateMs + stabilizationMs);
    if (window.saturated) {
      saturated = window.saturated;
      drill.saturatedWindows.push({ fromMs: candidateMs, toMs: candidateMs + stabilizationMs, reason: window.saturated });
      continue;
    }
    if (window.violations.length) {
      slisFailure = window.violations.join('; ');
      continue;
    }
    timeline.emit('restored', { atMs: Math.round(restoredInstant(drill, candidateMs)), message: `LKG observed on every service and SLIs held for ${formatMs(stabilizationMs)}` });
    drill.addCheck(lkgEqualityCheck('LKG state restored', last));
    drill.addCheck(restoredCheck(scenario.traffic ? measuredSliCheck(RESTORED, window.measure, scenario.slo) : undefined, stabilizationMs));
    return;
  }
  drill.addCheck(lkgEqualityCheck('LKG state restored', last));
  if (isUnobservable(last)) {
    drill.addCheck(unknown(RESTORED, 'the LKG state cannot be observed on this driver here, so its restore cannot be told'));
    return;
  }
  if (allMatch(last) && saturated) {
    drill.addCheck(harnessSaturated(RESTORED, `the LKG state was observed but no ${formatMs(stabilizationMs)} window could be judged within ${formatMs(withinMs)}: ${saturated}`));
    return;
  }
  const reason = !allMatch(last) ? 'LKG state never observed' : `SLIs never held for ${formatMs(stabilizationMs)} (${slisFailure ?? 'no stable window'})`;
  drill.addCheck(failed(RESTORED, `${reason} within ${formatMs(withinMs)}`));
}

/**
 * The one check of the verification window, passed, failed or unknown: passed with the
 * window's SLIs once the LKG held for the stabilization window with the SLIs in SLO (a
 * window that broke them never gets here: that is the failure below the loop).
 */
function restoredCheck(slis: CheckResult | undefined, stabilizationMs: number): CheckResult {
  const held = `LKG on every service for ${formatMs(stabilizationMs)}`;
  if (!slis) return passed(RESTORED, held);
  return slis.status === 'passed' ? { ...slis, message: `${held}, SLIs in SLO: ${slis.message}` } : slis;
}

/**
 * The observation above proves the LKG at `observedMs`; when the only service is the one
 * under traffic, the requests themselves show how much earlier it was back.
 */
function restoredInstant(drill: Drill, observedMs: number): number {
  const target = drill.ctx.scenario.traffic?.target;
  // What the recovery runs from: a detection (guard, rejection, rollback), else a fault drill's last revert.
  const detection = findDetection(drill.ctx.timeline.events) ?? lastRevert(drill.ctx.timeline.events, observedMs);
  const lkg = target ? drill.lkg.get(target) : undefined;
  if (!target || !detection || !lkg || drill.lkg.size !== 1) return observedMs;
  // An orchestrator's rollback is done when it says so (its tasks back on the LKG), however well traffic went meanwhile.
  const orchestratorDone = drill.ctx.timeline.events.find((e) => e.type === 'orchestrator-update' && e.state === 'rollback_completed' && e.by === 'orchestrator' && e.tMs >= detection.tMs && e.tMs <= observedMs);
  return Math.max(orchestratorDone?.tMs ?? -Infinity, Math.min(observedMs, trafficRestoredSince(drill.samples, lkg.digest, detection.tMs, observedMs)));
}

function allMatch(comparison: Record<string, LkgComparison>): boolean {
  const values = Object.values(comparison);
  return values.length > 0 && values.every((c) => c.match);
}

/** Keeps observing through the window; returns the comparison that broke it, if any did. */
async function holdsFor(drill: Drill, fromMs: number, windowMs: number, replicas: Record<string, number>): Promise<{ drifted?: Record<string, LkgComparison> }> {
  const { timeline, signal } = drill.ctx;
  while (timeline.now() < fromMs + windowMs) {
    await sleep(Math.min(OBSERVE_EVERY_MS * 4, Math.max(1, fromMs + windowMs - timeline.now())), signal);
    const comparison = compareWithLkg(await drill.environment().observe(), drill.lkg, replicas, drill.releaseByDigest);
    if (!allMatch(comparison)) return { drifted: comparison };
  }
  await drill.settleInFlight();
  return {};
}
