import type { FaultRecord } from '../faults/fault-runner.ts';
import { failed, passed, type CheckResult } from './check-result.ts';

const NAME = 'every fault injected and reverted';

/** A drill whose fault never landed did not test anything; one whose fault stayed behind is worse. */
export function faultsCheck(records: FaultRecord[]): CheckResult {
  const problems = records
    .filter((r) => r.status === 'inject-failed' || r.status === 'revert-failed' || r.status === 'injected')
    .map((r) => `${r.id} ${r.fault} on ${r.target}: ${r.status === 'injected' ? 'never reverted' : r.status}${r.error ? ` (${r.error})` : ''}`);
  const skipped = records.filter((r) => r.status === 'skipped').length;
  const reverted = records.filter((r) => r.status === 'reverted').length;
  const observed = { faults: records };
  if (problems.length) return failed(NAME, problems.join('; '), observed);
  return passed(NAME, `${reverted} fault${reverted === 1 ? '' : 's'} injected and reverted${skipped ? `, ${skipped} skipped by probability` : ''}`, observed);
}
