import { describe, expect, it } from 'vitest';
import { failed, passed } from './check-result.ts';
import { judgeRecoveryWithSaturation } from './saturated-recovery-check.ts';

const recovery = { ttdMs: 100, ttrMs: 9_000, rtoMs: 5_000, withinSlo: false, detectedMs: 1_000, restoredMs: 10_000 };
const late = failed('restored within RTO 5.00s', 'time to restore 9.00s exceeds the RTO');

describe('judgeRecoveryWithSaturation', () => {
  it('is unknown when a window within the RTO could not be judged for the harness\'s lateness', () => {
    const check = judgeRecoveryWithSaturation(late, recovery, [{ fromMs: 2_000, toMs: 3_000, reason: 'p95 400ms > 250ms within the harness\'s lateness (…)' }]);
    expect(check?.status).toBe('unknown');
    expect(check?.harnessSaturated).toBe(true);
    expect(check?.message).toMatch(/^no data: harness saturated: time to restore 9\.00s exceeds the RTO, but 1 stabilization window within the RTO could not be judged/);
  });

  it('stands when the unjudged windows began after the RTO, or there were none, and never touches a pass', () => {
    expect(judgeRecoveryWithSaturation(late, recovery, [{ fromMs: 7_000, toMs: 8_000, reason: 'r' }])).toBe(late);
    expect(judgeRecoveryWithSaturation(late, recovery, [])).toBe(late);
    const ok = passed('restored within RTO 5.00s', 'in time');
    expect(judgeRecoveryWithSaturation(ok, recovery, [{ fromMs: 2_000, toMs: 3_000, reason: 'r' }])).toBe(ok);
  });

  it('counts the windows that overlap the RTO after detection, to its last instant, and names the last one\'s reason', () => {
    const observed = { ttrMs: 9_000 };
    const withObserved = { ...late, observed };
    const windows = [
      { fromMs: 0, toMs: 1_000, reason: 'ended at detection' },
      { fromMs: 900, toMs: 1_001, reason: 'first' },
      { fromMs: 6_000, toMs: 7_000, reason: 'last, at the RTO' },
      { fromMs: 6_001, toMs: 7_000, reason: 'after the RTO' },
    ];
    const check = judgeRecoveryWithSaturation(withObserved, recovery, windows);
    expect(check).toEqual({
      name: 'restored within RTO 5.00s', status: 'unknown', harnessSaturated: true, observed,
      message: 'no data: harness saturated: time to restore 9.00s exceeds the RTO, but 2 stabilization windows within the RTO could not be judged: last, at the RTO',
    });
  });

  it('stands without a detection instant, and says nothing when there was no check', () => {
    const { detectedMs: _, ...undetected } = recovery;
    expect(judgeRecoveryWithSaturation(late, undetected, [{ fromMs: 2_000, toMs: 3_000, reason: 'r' }])).toBe(late);
    expect(judgeRecoveryWithSaturation(undefined, recovery, [{ fromMs: 2_000, toMs: 3_000, reason: 'r' }])).toBeUndefined();
  });
});
