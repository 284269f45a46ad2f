import { ackedWriteCheck } from '../checks/acked-write-checker.ts';
import { guardCheck } from '../checks/guard-check.ts';
import { compareWithLkg, isUnobservable, lkgEqualityCheck } from '../checks/lkg-equality-check.ts';
import { recoveryCheck } from '../checks/recovery-check.ts';
import { measuredSliCheck } from '../checks/measured-sli-check.ts';
import { parseDuration } from '../util/duration.ts';
import { computeRecovery, findDetection } from '../verdict/recovery.ts';
import type { Drill } from './drill.ts';
import { runVerifyRestoredStep } from './steps/verify-restored-step.ts';
import { measureSentBetween } from './steps/window-slis.ts';
import { readBackWrites, stopTraffic } from './traffic-phase.ts';
import { checkDrift } from './drift-phase.ts';
import { judgeRecoveryWithSaturation } from '../checks/saturated-recovery-check.ts';

/**
 * After the last step: make sure a detected incident was verified restored, stop the
 * traffic, then judge the end state, the data, the drill's SLIs, the guard and recovery.
 */
export async function finishDrill(drill: Drill): Promise<void> {
  const { scenario, timeline } = drill.ctx;
  const detection = findDetection(timeline.events);
  const restored = detection && timeline.events.some((e) => e.type === 'restored' && e.tMs >= detection.tMs);
  if (detection && !restored && !scenario.steps.some((s) => s.kind === 'verifyRestored')) await runVerifyRestoredStep({}, drill);

  await stopTraffic(drill);
  const replicas = Object.fromEntries(Object.entries(scenario.services).map(([name, s]) => [name, s.replicas]));
  drill.finalLkg = compareWithLkg(await drill.environment().observe(), drill.lkg, replicas, drill.releaseByDigest);
  drill.addCheck(lkgEqualityCheck('LKG state at end of drill', drill.finalLkg));
  await checkDrift(drill);

  if (scenario.traffic?.writes) {
    drill.data = await readBackWrites(drill);
    drill.addCheck(ackedWriteCheck(drill.data, scenario.slo.dataLoss));
  }
  if (scenario.traffic) drill.addCheck(measuredSliCheck('SLIs over the whole drill', measureSentBetween(drill, -Infinity, Infinity), scenario.slo));
  const guard = guardCheck(drill.guard);
  if (guard) drill.addCheck(guard);

  const latencyLimit = scenario.guard?.latency ? parseDuration(scenario.guard.latency.above) : undefined;
  drill.recovery = computeRecovery(timeline.events, drill.samples, parseDuration(scenario.slo.recoveryTime), latencyLimit);
  const unobservable = isUnobservable(drill.finalLkg) ? Object.values(drill.finalLkg).map((c) => c.unobservable).filter(Boolean).join('; ') : undefined;
  const rolledBackAtMs = timeline.events.find((e) => e.type === 'rollback')?.tMs;
  const recovery = judgeRecoveryWithSaturation(recoveryCheck(drill.recovery, unobservable, rolledBackAtMs), drill.recovery, drill.saturatedWindows);
  if (recovery) drill.addCheck(recovery);
}
