import type { Step } from '../../scenario/schema.ts';
import type { Drill } from '../drill.ts';
import { rollbackService } from '../rollback-action.ts';

type RollbackStep = Extract<Step, { kind: 'rollback' }>;

/** A planned rollback: to the LKG, or to the release the step names (verification still expects the LKG). */
export async function runRollbackStep(step: RollbackStep, drill: Drill): Promise<void> {
  const target = step.to ? drill.release(step.service, step.to) : drill.lkgOf(step.service);
  await rollbackService(drill, step.service, target, { planned: true, reason: `planned rollback to ${target.name}` });
}
