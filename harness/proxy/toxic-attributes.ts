import { z } from 'zod';

// Toxiproxy decodes missing attributes as Go's zero value; these schemas do the same
// (default 0) unless a toxic says otherwise, and reject what Toxiproxy would misbehave on.

/** Milliseconds ≥ 0. */
export function millis(fallback = 0) {
  return z.number({ error: 'expected a number of milliseconds' }).min(0, { error: 'must not be negative' }).default(fallback);
}

/** A whole count ≥ `min` (bytes, sizes). */
export function count(fallback = 0, min = 0) {
  return z
    .number({ error: 'expected a whole number' })
    .int({ error: 'expected a whole number' })
    .min(min, { error: min === 0 ? 'must not be negative' : `must be at least ${min}` })
    .default(fallback);
}

/** A share 0..1. */
export function share(fallback: number) {
  return z.number({ error: 'expected a number between 0 and 1' }).min(0, { error: 'must be between 0 and 1' }).max(1, { error: 'must be between 0 and 1' }).default(fallback);
}

/** An HTTP status code. */
export function statusCode(fallback: number) {
  return z.number({ error: 'expected an HTTP status code' }).int({ error: 'expected an HTTP status code' }).min(100, { error: 'expected an HTTP status code (100–599)' }).max(599, { error: 'expected an HTTP status code (100–599)' }).default(fallback);
}

/** An attributes object: unknown attributes are refused, so a typo never makes a toxic that does nothing. */
export function attributes<S extends z.core.$ZodLooseShape>(shape: S) {
  return z.strictObject(shape, { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown attribute${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}` : 'expected an object') });
}
