import type { DataResult } from '../traffic/sample.ts';
import { failed, passed, unknown, type CheckResult } from './check-result.ts';

const NAME = 'no acknowledged write lost';

/** Jepsen's set checker as a verdict: lost ≤ allowed and nothing unexpected; no read-back or no acked write is unknown. */
export function ackedWriteCheck(data: DataResult | undefined, allowedLoss: number): CheckResult {
  if (!data) return unknown(NAME, 'the scenario sends no writes');
  const observed = { ...data, lostIds: data.lostIds.slice(0, 20) };
  if (!data.readBack) return unknown(NAME, `the read-back failed: ${data.readBackError ?? 'no answer'}`, observed);
  if (data.acked === 0) return unknown(NAME, `no write was acknowledged (${data.attempted} attempted), so nothing could be checked`, observed);
  const problems: string[] = [];
  if (data.lost > allowedLoss) problems.push(`${data.lost} of ${data.acked} acknowledged writes are gone (allowed ${allowedLoss}), e.g. ${data.lostIds.slice(0, 3).join(', ')}`);
  if (data.unexpected > 0) problems.push(`${data.unexpected} writes are present that were never attempted`);
  if (problems.length) return failed(NAME, problems.join('; '), observed);
  return passed(NAME, `${data.acked} acknowledged writes all read back (${data.recovered} of ${data.indeterminate} indeterminate were applied)`, observed);
}
