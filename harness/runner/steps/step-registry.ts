import type { Step } from '../../scenario/schema.ts';
import type { Drill } from '../drill.ts';
import { runDeployStep } from './deploy-step.ts';
import { runSteadyStep } from './steady-step.ts';
import { runWaitStep } from './wait-step.ts';
import { runRollbackStep } from './rollback-step.ts';
import { runExpectRollbackStep } from './expect-rollback-step.ts';
import { runVerifyRestoredStep } from './verify-restored-step.ts';
import { runCustomStep } from './custom-step.ts';
import { runFaultStep } from './fault-step.ts';
import { runPromoteStep } from './promote-step.ts';
import { checkDrift } from '../drift-phase.ts';

type StepKind = Step['kind'];
type Executor<K extends StepKind> = (step: Extract<Step, { kind: K }>, drill: Drill, index: number) => Promise<void>;

/** Every step kind and the code that runs it, in one explicit map. */
const executors: { [K in StepKind]: Executor<K> } = {
  deploy: runDeployStep,
  steady: runSteadyStep,
  wait: runWaitStep,
  rollback: runRollbackStep,
  expectRollback: runExpectRollbackStep,
  verifyRestored: runVerifyRestoredStep,
  fault: runFaultStep,
  custom: runCustomStep,
  promote: runPromoteStep,
  checkDrift: (step, drill) => checkDrift(drill, step.expect),
};

export function runStep(step: Step, drill: Drill, index: number): Promise<void> {
  const executor = executors[step.kind] as Executor<StepKind>;
  return executor(step as never, drill, index);
}

/** One line a person reads in the plan and in progress output. */
export function describeStep(step: Step): string {
  switch (step.kind) {
    case 'deploy':
      return `deploy ${step.service}@${step.release}${step.expect === 'any' ? '' : ` (expect ${step.expect})`}`;
    case 'steady':
      return `steady state for ${step.for}`;
    case 'wait':
      return `wait ${step.for}`;
    case 'rollback':
      return `rollback ${step.service}${step.to ? ` to ${step.to}` : ' to LKG'}`;
    case 'expectRollback':
      return `expect ${step.service ?? 'the target'} rolled back within ${step.within}`;
    case 'verifyRestored':
      return `verify LKG restored (stable for ${step.for})`;
    case 'fault': {
      const target = typeof step.target === 'string' ? step.target : 'from' in step.target ? `${step.target.from}->${step.target.to}` : `${step.target.service}[${step.target.replica}]`;
      return `fault ${step.fault} on ${target}${step.for === undefined ? '' : ` for ${step.for}`}${step.probability < 1 ? ` (p=${step.probability})` : ''}`;
    }
    case 'custom':
      return `step "${step.name}"`;
    case 'checkDrift':
      return `check drift from the ledger${step.expect === 'drift' ? ' (expect drift)' : ''}`;
    case 'promote':
      return `promote ${step.service}@${step.release}${typeof step.gate === 'string' ? ` through gate ${step.gate}` : step.gate.scenarios.length ? ` (gate: ${step.gate.scenarios.length} scenarios)` : ''}${step.expect === 'promoted' ? '' : ` (expect ${step.expect})`}`;
  }
}
