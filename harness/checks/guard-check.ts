import type { Guard } from '../guard/guard.ts';
import { formatMs } from '../util/duration.ts';
import { passed, unknown, type CheckResult } from './check-result.ts';

const NAME = 'guard analysis had data';

/** A guard that never had enough samples to judge a rollout protected nothing: unknown, never passed. */
export function guardCheck(guard: Guard | undefined): CheckResult | undefined {
  if (!guard) return undefined;
  const observed = { evaluations: guard.evaluations, blindTicks: guard.blindTicks, trips: guard.trips.length };
  if (guard.trips.length > 0) {
    const trip = guard.trips[0]!;
    return passed(NAME, `tripped at ${formatMs(trip.tMs)} on ${trip.service}: ${trip.message}`, observed);
  }
  if (guard.evaluations === 0) {
    const why = guard.blindTicks > 0 ? `the guard watched ${guard.blindTicks} ticks without a verdict${guard.lastBlindReason ? ` (last: ${guard.lastBlindReason})` : ''}` : 'the guard never watched a rollout';
    return unknown(NAME, `${why}, so it could not have caught a bad release`, observed);
  }
  return passed(NAME, `held through ${guard.evaluations} evaluations`, observed);
}
