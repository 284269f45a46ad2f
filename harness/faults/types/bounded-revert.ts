import { DrillbitError } from '../../errors.ts';

/**
 * A revert that is safe to call more than once: concurrent calls share one attempt, a
 * success is remembered, and a failure lets the next call try again.
 */
export function revertOnce(revert: () => Promise<void>): () => Promise<void> {
  let attempt: Promise<void> | undefined;
  let done = false;
  return () => {
    if (done) return Promise.resolve();
    attempt ??= revert().then(
      () => {
        done = true;
      },
      (error: unknown) => {
        attempt = undefined;
        throw error;
      },
    );
    return attempt;
  };
}

/** Rejects with a `timeout` error naming `what` when `work` takes longer than `ms` (the work itself is not cancelled). */
export async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DrillbitError('timeout', `${what} did not finish within ${ms}ms`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
