import type { Recovery } from '../verdict/results.ts';
import { formatMs } from '../util/duration.ts';
import { failed, passed, unknown, type CheckResult } from './check-result.ts';

/**
 * ttr against the recovery time objective; a detected incident that never restored fails —
 * unless the LKG state could not be observed at all (`unobservable`: why), which leaves the
 * restore untold: unknown. No detection means no incident, and no check — unless a rollback
 * ran (`rolledBackAtMs`): then the recovery's start was lost, and the check fails.
 */
/** What the RTO check's name begins with (`restored within RTO 5.00s`), for readers that pick it out. */
export const RTO_CHECK_PREFIX = 'restored within RTO';

export function recoveryCheck(recovery: Recovery, unobservable?: string, rolledBackAtMs?: number): CheckResult | undefined {
  const name = `${RTO_CHECK_PREFIX} ${formatMs(recovery.rtoMs)}`;
  if (recovery.detection === undefined) {
    // Every rollback starts from a detection or a planned start; one without is never let through without its RTO judged.
    return rolledBackAtMs === undefined ? undefined : failed(name, `a rollback ran at ${formatMs(rolledBackAtMs)} but nothing recorded what started its recovery, so its time to restore cannot be judged`);
  }
  if (recovery.ttrMs === null && unobservable) return unknown(name, `detected by ${recovery.detection}; the LKG state is unobservable (${unobservable}), so the restore cannot be timed`);
  if (recovery.ttrMs === null) return failed(name, `${recovery.detection === 'planned-rollback' ? 'the planned rollback ran' : `detected by ${recovery.detection}`} but the LKG state was never verified restored`);
  const since = recovery.ttdMs === null ? `from the ${recovery.detection === 'planned-rollback' ? 'planned rollback\'s start' : 'detection'}` : `detected ${formatMs(recovery.ttdMs)} after the first bad observation`;
  const text = `time to restore ${formatMs(recovery.ttrMs)} (${since})`;
  return recovery.ttrMs <= recovery.rtoMs ? passed(name, text, { ...recovery }) : failed(name, `${text} exceeds the RTO`, { ...recovery });
}
