/** Exit codes are a contract (DESIGN.md §3): scripts and CI gates read them. */
export const ExitCode = {
  ok: 0,
  failed: 1,
  badInput: 2,
  infrastructure: 3,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** `ledger-broken`: the ledger's hash chain does not hold (exit 1, as a failed check). */
export type ErrorCode = 'bad-input' | 'infrastructure' | 'deploy-rejected' | 'aborted' | 'timeout' | 'internal' | 'ledger-broken';

/** An error meant for the person running the drill: a code, a one-line message and a hint. */
export class DrillbitError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;

  constructor(code: ErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'DrillbitError';
    this.code = code;
    this.hint = options.hint;
  }

  get exitCode(): ExitCode {
    if (this.code === 'bad-input') return ExitCode.badInput;
    if (this.code === 'infrastructure') return ExitCode.infrastructure;
    if (this.code === 'aborted') return ExitCode.interrupted;
    return ExitCode.failed;
  }
}

export function badInput(message: string, hint?: string): DrillbitError {
  return new DrillbitError('bad-input', message, { hint });
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
