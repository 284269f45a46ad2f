import { errorMessage } from '../../errors.ts';
import { failed, passed } from '../../checks/check-result.ts';
import type { Step } from '../../scenario/schema.ts';
import type { StepContext } from '../step-context.ts';
import type { Drill } from '../drill.ts';

type CustomStep = Extract<Step, { kind: 'custom' }>;

/** Runs the scenario's own code; a throw is a failed check named after the step, and the drill goes on. */
export async function runCustomStep(step: CustomStep, drill: Drill): Promise<void> {
  const { timeline, log, signal, random } = drill.ctx;
  const ctx: StepContext = {
    env: drill.environment(),
    address: (service) => drill.environment().address(service),
    emit: (type, fields) => timeline.emit(type, fields),
    log,
    signal,
    random: random.derive(`step:${step.name}`),
  };
  const run = step.run as unknown as (ctx: StepContext) => unknown;
  try {
    await run(ctx);
    drill.addCheck(passed(`step "${step.name}"`, 'completed'));
  } catch (error) {
    if (signal.aborted) throw error;
    drill.addCheck(failed(`step "${step.name}"`, errorMessage(error)));
  }
}
