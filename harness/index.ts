// The public API for scenario files: `import { defineScenario, deploy, … } from 'drillbit'`.
export { defineScenario, deploy, steady, wait, rollback, expectRollback, verifyRestored, step } from './scenario/dsl.ts';
export { fault, at, injectFault } from './faults/fault-dsl.ts';
export type { ScenarioInput, Scenario, StepInput } from './scenario/schema.ts';
export type { StepContext } from './runner/step-context.ts';
export type { Reporter } from './report/reporter.ts';
export type { Driver, StartedEnvironment, ResolvedRelease, ObservedService } from './drivers/driver.ts';
export type { RunResults, ScenarioResult } from './verdict/results.ts';
