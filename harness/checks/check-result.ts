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
