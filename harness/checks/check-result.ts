/** Three-valued, as in Jepsen: a check that saw no data is unknown, and unknown never passes. */
export type CheckStatus = 'passed' | 'failed' | 'unknown';

export interface CheckResult {
  name: string;
  status: CheckStatus;
  message: string;
  /** Timeline time the check was decided. */
  tMs?: number;
  /** Measured values behind the verdict. */
  observed?: Record<string, unknown>;
  /** Set on an unknown check whose result the harness's own lateness could explain (issue 13 §3). */
  harnessSaturated?: true;
}

export function passed(name: string, message: string, observed?: Record<string, unknown>): CheckResult {
  return { name, status: 'passed', message, observed };
}

export function failed(name: string, message: string, observed?: Record<string, unknown>): CheckResult {
  return { name, status: 'failed', message, observed };
}

export function unknown(name: string, message: string, observed?: Record<string, unknown>): CheckResult {
  return { name, status: 'unknown', message: `no data: ${message}`, observed };
}

/** Unknown because the harness was too late to tell: its lateness could explain the result (no data, in effect: unknown never passes). */
export function harnessSaturated(name: string, message: string, observed?: Record<string, unknown>): CheckResult {
  return { ...unknown(name, `harness saturated: ${message}`, observed), harnessSaturated: true };
}
