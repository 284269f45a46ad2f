import type { Recovery } from '../verdict/results.ts';
import { harnessSaturated, type CheckResult } from './check-result.ts';

/** A stabilization window the verifier could not judge: the harness's lateness could account for its SLO violations. */
export interface SaturatedWindow {
  fromMs: number;
  toMs: number;
  reason: string;
}

/**
 * The RTO check, failed only because the verifier had to pass over windows it could not
 * judge: had one of those that began within the RTO held, the restore was in time. Then
 * the check is unknown (harness saturated), never passed; otherwise it stands.
 */
export function judgeRecoveryWithSaturation(check: CheckResult | undefined, recovery: Recovery, windows: readonly SaturatedWindow[]): CheckResult | undefined {
  if (check?.status !== 'failed' || recovery.detectedMs === undefined) return check;
  const detectedMs = recovery.detectedMs;
  const inTime = windows.filter((w) => w.toMs > detectedMs && w.fromMs - detectedMs <= recovery.rtoMs);
  const last = inTime.at(-1);
  if (!last) return check;
  return harnessSaturated(check.name, `${check.message}, but ${inTime.length} stabilization window${inTime.length === 1 ? '' : 's'} within the RTO could not be judged: ${last.reason}`, check.observed);
}
