import type { Duration } from '../util/duration.ts';
import type { FaultTargetInput, StepInput } from '../scenario/schema.ts';
import type { z } from 'zod';
import { faultTypes, type FaultName } from './fault-registry.ts';

export interface FaultOptions {
  /** Revert after this long; without it, the fault lasts until the drill ends. */
  for?: Duration;
  /** Chance the fault is injected at all (seeded). Default 1. */
  probability?: number;
  /** Block the step until the fault is reverted. */
  wait?: boolean;
}

type FaultStepInput = Extract<StepInput, { kind: 'fault' }>;

/** A fault step of any registered type: `injectFault('pause', 'shop', {}, { for: '2s' })`. */
export function injectFault(fault: string, target: FaultTargetInput, params: Record<string, unknown> = {}, options: FaultOptions = {}): FaultStepInput {
  return { kind: 'fault', fault, target, params, ...options };
}

/** The same fault on the drill's schedule: at an offset from its start, or at a seeded random offset in a range. */
export function at(offset: Duration | { between: [Duration, Duration] }, step: FaultStepInput) {
  const { kind: _kind, wait: _wait, ...fault } = step;
  return { at: offset, ...fault };
}

/** A typed shortcut for one fault type: `fault.pause('shop', {}, { for: '2s' })`. */
export function faultHelper<S extends z.ZodType>(name: string, _params: S) {
  return (target: FaultTargetInput, params: z.input<S> = {} as z.input<S>, options: FaultOptions = {}): FaultStepInput =>
    injectFault(name, target, params as Record<string, unknown>, options);
}

/** `crash-loop` → `crashLoop`: a fault's name as a helper's. */
type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;

type FaultHelpers = {
  [N in FaultName as CamelCase<N>]: (target: FaultTargetInput, params?: z.input<(typeof faultTypes)[N]['params']>, options?: FaultOptions) => FaultStepInput;
};

export function helperName(fault: string): string {
  return fault.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/**
 * Typed helpers per fault type, for TypeScript scenarios: `fault.kill('shop')`,
 * `fault.cpuHog('shop', { workers: 2 }, { for: '5s' })`. Made from the fault registry, so
 * every registered fault has one, with its own parameters' type.
 */
export const fault = Object.fromEntries(
  Object.entries(faultTypes).map(([name, type]) => [helperName(name), faultHelper(name, type.params)]),
) as FaultHelpers;
