import type { Duration } from '../util/duration.ts';
import type { DriverName, ScenarioInput, StepInput } from './schema.ts';
import type { z } from 'zod';
import type { stepGateSchema } from './schema.ts';

type StepGateInput = z.input<typeof stepGateSchema>;
import type { StepContext } from '../runner/step-context.ts';

/**
 * Gives a scenario file its types. The value is plain data: it is validated when loaded,
 * so a scenario can be printed as a plan, validated in CI and replayed from a seed.
 */
export function defineScenario<const T extends ScenarioInput>(scenario: T): T {
  return scenario;
}

/** Deploy a named release of a service. `expect: 'rejected'` asserts it never takes traffic. */
export function deploy(service: string, release: string, options: { expect?: 'healthy' | 'rejected' | 'any' } = {}): StepInput {
  return { kind: 'deploy', service, release, ...options };
}

/** Steady-state hypothesis: the SLIs stay within the SLO for this window. */
export function steady(window: Duration): StepInput {
  return { kind: 'steady', for: window };
}

/** Let the drill run (traffic, guard) for a while. */
export function wait(duration: Duration): StepInput {
  return { kind: 'wait', for: duration };
}

/** A planned, harness-driven rollback; to the LKG unless `to` names a release. */
export function rollback(service: string, options: { to?: string } = {}): StepInput {
  return { kind: 'rollback', service, ...options };
}

/** Waits for the guard (or a rejected rollout) to roll the service back, and fails if it does not within the time. */
export function expectRollback(options: { within: Duration; service?: string; drivers?: Partial<Record<DriverName, { within?: Duration }>> }): StepInput {
  return { kind: 'expectRollback', ...options };
}

/** Waits until every service runs its LKG and the SLIs hold for `for` (the stabilization window). */
export function verifyRestored(options: { for?: Duration; within?: Duration; drivers?: Partial<Record<DriverName, { for?: Duration; within?: Duration }>> } = {}): StepInput {
  return { kind: 'verifyRestored', ...options };
}

/**
 * Makes a deployed release the LKG when its gate passes (default: every check of the drill
 * so far passed and the release is observed serving); recorded in the ledger either way.
 */
export function promote(service: string, release: string, options: { gate?: string | StepGateInput; expect?: 'promoted' | 'refused' | 'any'; reason?: string } = {}): StepInput {
  return { kind: 'promote', service, release, ...options };
}

/** Drift detection now (it also runs after every drill): `expect: 'drift'` asserts a difference is caught. */
export function checkDrift(options: { expect?: 'none' | 'drift' } = {}): StepInput {
  return { kind: 'checkDrift', ...options };
}

/** The escape hatch: any code, with the run's context. Failing here fails the drill. */
export function step(name: string, run: (ctx: StepContext) => Promise<void> | void): StepInput {
  return { kind: 'custom', name, run: run as (ctx: never) => unknown };
}
