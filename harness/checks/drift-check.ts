import { short } from './lkg-equality-check.ts';
import { describeDiff, type DriftDiff } from '../drift/drift-detector.ts';
import type { DesiredService } from '../drift/desired-state.ts';
import { failed, passed, unknown, type CheckResult } from './check-result.ts';

export const DRIFT_CHECK = 'no drift from the ledger';

/** Passes when every service runs exactly what the ledger says; otherwise the diff, one line per difference; unknown when nothing differs but something could not be observed. */
export function driftCheck(desired: readonly DesiredService[], diffs: readonly DriftDiff[], unobservable: readonly string[] = []): CheckResult {
  if (desired.length === 0) return unknown(DRIFT_CHECK, 'the ledger records no deploy to compare with');
  if (diffs.length === 0 && unobservable.length) return unknown(DRIFT_CHECK, `unobservable: ${unobservable.join('; ')}`, { desired, unobservable });
  if (diffs.length === 0) return passed(DRIFT_CHECK, `every service runs as the ledger says (${desired.map((d) => `${d.service}=${d.version} ${short(d.digest)} ×${d.replicas}`).join(', ')})`, { desired });
  return failed(DRIFT_CHECK, diffs.map(describeDiff).join('; '), { desired, diffs });
}
