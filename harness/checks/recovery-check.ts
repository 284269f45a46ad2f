import type { Recovery } from '../verdict/results.ts';
import { formatMs } from '../util/duration.ts';
import { failed, passed, type CheckResult } from './check-result.ts';

/** ttr against the recovery time objective; a detected incident that never restored fails. */
export function recoveryCheck(recovery: Recovery): CheckResult | undefined {
  if (recovery.detection === undefined) return undefined;
  const name = `restored within RTO ${formatMs(recovery.rtoMs)}`;
  if (recovery.ttrMs === null) return failed(name, `detected by ${recovery.detection} but the LKG state was never verified restored`);
  const text = `time to restore ${formatMs(recovery.ttrMs)} (detected ${formatMs(recovery.ttdMs ?? 0)} after the first bad observation)`;
  return recovery.ttrMs <= recovery.rtoMs ? passed(name, text, { ...recovery }) : failed(name, `${text} exceeds the RTO`, { ...recovery });
}
