import { DrillbitError } from '../../errors.ts';
import type { OrchestratorFaultSurface } from '../../drivers/fault-surface.ts';
import type { FaultContext, FaultTarget } from '../fault-type.ts';

/** The driver's orchestrator surface and the target service, or a clear refusal naming the fault. */
export function orchestratorTarget(target: FaultTarget, ctx: FaultContext, fault: string): { service: string; surface: OrchestratorFaultSurface } {
  if (target.kind !== 'service') throw new DrillbitError('internal', `fault ${fault} acts on a service, not on a ${target.kind}`);
  const surface = ctx.env.orchestratorFaults;
  if (!surface) throw new DrillbitError('bad-input', `fault ${fault}: this driver has no orchestrator to act on`, { hint: 'run the scenario with --driver swarm' });
  surface.serviceName(target.service); // an unknown service throws its own bad-input error
  return { service: target.service, surface };
}
