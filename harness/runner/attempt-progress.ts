import type { Step } from '../scenario/schema.ts';
import type { SampleLog } from '../traffic/sample-log.ts';
import { tryParseDuration } from '../util/duration.ts';
import type { Timeline } from './timeline.ts';

/** Where a running attempt is, about twice a second: for a console's live counters. */
export interface AttemptProgress {
  /** The attempt's clock. */
  tMs: number;
  /** The step running, as the plan describes it; absent before the first step and after the last. */
  step?: string;
  /** When the step began, and how long it is set to last (`for`, or `within` for a deadline), where it says. */
  stepStartedMs?: number;
  stepBudgetMs?: number;
  /** Requests done so far, and how many of them failed. */
  requests: number;
  errors: number;
}

export const PROGRESS_INTERVAL_MS = 500;

/** How long a step is set to take: its `for` (steady, wait, verifyRestored, a fault it waits on), else its deadline `within`. */
export function stepBudgetMs(step: Step): number | undefined {
  const fields = step as { for?: unknown; within?: unknown; wait?: unknown };
  if (step.kind === 'fault' && fields.wait !== true) return undefined;
  return tryParseDuration(fields.for) ?? tryParseDuration(fields.within);
}

/**
 * Calls `report` every PROGRESS_INTERVAL_MS with the attempt's traffic counts and its step,
 * which it follows on the timeline. Returns the function that stops it.
 */
export function reportProgress(timeline: Timeline, samples: SampleLog, steps: readonly Step[], report: (progress: AttemptProgress) => void): () => void {
  let current: { step: string; startedMs: number; budgetMs?: number } | undefined;
  const unsubscribe = timeline.subscribe((event) => {
    if (event.type === 'step-start' && typeof event.step === 'number') {
      const budgetMs = steps[event.step] ? stepBudgetMs(steps[event.step]!) : undefined;
      current = { step: String(event.message ?? ''), startedMs: event.tMs, ...(budgetMs === undefined ? {} : { budgetMs }) };
    } else if (event.type === 'step-end') current = undefined;
  });
  const timer = setInterval(() => {
    report({
      tMs: timeline.now(),
      ...(current ? { step: current.step, stepStartedMs: current.startedMs, ...(current.budgetMs === undefined ? {} : { stepBudgetMs: current.budgetMs }) } : {}),
      requests: samples.length,
      errors: samples.failures,
    });
  }, PROGRESS_INTERVAL_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    unsubscribe();
  };
}
