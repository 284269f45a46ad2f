import type { FaultStep } from '../../scenario/schema.ts';
import type { Drill } from '../drill.ts';

/** Injects the step's planned fault (seeded: same target and coin for the same seed); waits for its revert with `wait`. */
export async function runFaultStep(_step: FaultStep, drill: Drill, index: number): Promise<void> {
  const planned = drill.faultPlan.find((f) => 'step' in f.origin && f.origin.step === index);
  if (!planned) throw new Error(`no planned fault for step ${index}`);
  const runner = drill.faultRunner();
  await runner.start(planned);
  if (planned.wait) await runner.waitReverted(planned.id, drill.ctx.signal);
}
