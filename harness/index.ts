// The public API for scenario files: `import { defineScenario, deploy, … } from 'drillbit'`.
export { defineScenario, deploy, steady, wait, rollback, expectRollback, verifyRestored, step, promote, checkDrift } from './scenario/dsl.ts';
export { defineConfig } from './config/drillbit-config.ts';
export type { DrillbitConfigInput } from './config/drillbit-config.ts';
export type { PolicyRule, PolicySubject, PolicyFinding } from './policy/policy-rule.ts';
export { fault, at, injectFault } from './faults/fault-dsl.ts';
export type { ScenarioInput, Scenario, StepInput } from './scenario/schema.ts';
export type { StepContext } from './runner/step-context.ts';
export type { Reporter } from './report/reporter.ts';
export type { Driver, StartedEnvironment, ResolvedRelease, ObservedService } from './drivers/driver.ts';
export type { RunResults, ScenarioResult } from './verdict/results.ts';
