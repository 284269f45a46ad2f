import { errorMessage } from '../errors.ts';
import { formatPath } from './problem.ts';

/** Deeper than any real scenario; deeper data is hostile, and would overflow a recursive validator. */
export const MAX_DEPTH = 64;

/** Why a value could not be read as plain data, at which field. */
export interface PlainValueProblem {
  path: string;
  message: string;
}

/** Objects kept as they are: values a scenario may hold that are not records. */
const KEPT = [RegExp, Date, URL, Map, Set] as const;

/**
 * Copies what a scenario module exported into plain data before it is validated, so a
 * hostile export cannot crash or hang validation: a getter or proxy that throws, a cyclic
 * reference, or nesting deeper than `MAX_DEPTH` becomes a problem naming the field. Each
 * property is read once; own keys named `__proto__` stay own keys (the schema rejects them
 * as unknown fields) instead of changing the copy's prototype. Functions (a custom step's
 * `fn`) are kept as they are.
 */
export function toPlainValue(value: unknown): { value: unknown; problems: PlainValueProblem[] } {
  const problems: PlainValueProblem[] = [];
  const ancestors: { value: object; path: PropertyKey[] }[] = [];

  const copy = (current: unknown, path: PropertyKey[]): unknown => {
    if (current === null || typeof current !== 'object') return current;
    if (KEPT.some((type) => safe(() => current instanceof type, false))) return current;
    const cycle = ancestors.find((a) => a.value === current);
    if (cycle) {
      problems.push({ path: formatPath(path), message: `refers back to ${formatPath(cycle.path) || 'the scenario itself'} (a cyclic reference); a scenario must be a tree` });
      return undefined;
    }
    if (path.length >= MAX_DEPTH) {
      problems.push({ path: formatPath(path), message: `nested deeper than ${MAX_DEPTH} levels` });
      return undefined;
    }
    let keys: string[];
    let isArray: boolean;
    try {
      isArray = Array.isArray(current);
      keys = Object.keys(current);
    } catch (error) {
      problems.push({ path: formatPath(path), message: `could not be read: ${errorMessage(error)}` });
      return undefined;
    }
    ancestors.push({ value: current, path });
    const out: Record<string, unknown> | unknown[] = isArray ? [] : {};
    for (const key of keys) {
      const childPath = [...path, isArray && /^\d+$/.test(key) ? Number(key) : key];
      let child: unknown;
      try {
        child = (current as Record<string, unknown>)[key];
      } catch (error) {
        problems.push({ path: formatPath(childPath), message: `could not be read: ${errorMessage(error)}` });
        continue;
      }
      Object.defineProperty(out, key, { value: copy(child, childPath), enumerable: true, writable: true, configurable: true });
    }
    ancestors.pop();
    return out;
  };

  return { value: copy(value, []), problems };
}

function safe<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}
