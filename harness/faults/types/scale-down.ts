import { z } from 'zod';
import type { FaultType } from '../fault-type.ts';
import { revertOnce, withDeadline } from './bounded-revert.ts';
import { orchestratorTarget } from './orchestrator-access.ts';

const params = z.strictObject({
  /** Tasks left running during the fault. Default 1. */
  replicas: z.number().int().min(0).max(50).default(1),
});
const REVERT_DEADLINE_MS = 45_000;

export type ScaleDownParams = z.output<typeof params>;

/**
 * Swarm: the service is scaled down to `replicas` tasks through the manager (as someone
 * running `docker service scale` would); the revert scales it back to the scenario's count
 * and waits for the tasks. The undo (journaled first) scales it back too.
 */
export const scaleDownFault: FaultType<ScaleDownParams> = {
  name: 'scale-down',
  description: 'swarm: scale a service down to `replicas` tasks (default 1); the revert scales it back to the scenario\'s count',
  targets: 'service',
  params,
  needsDuration: true,
  plan(target, _params, ctx) {
    const { service, surface } = orchestratorTarget(target, ctx, 'scale-down');
    return [{ kind: 'swarm', op: 'scale-service', service: surface.serviceName(service), replicas: surface.desiredReplicas(service), engine: surface.engine }];
  },
  async inject(target, { replicas }, ctx) {
    const { service, surface } = orchestratorTarget(target, ctx, 'scale-down');
    const revert = revertOnce(() => withDeadline(surface.scaleService(service), REVERT_DEADLINE_MS, `fault scale-down: ${service} scaled back`));
    try {
      await surface.scaleService(service, replicas);
    } catch (error) {
      await revert().catch(() => undefined);
      throw error;
    }
    return { revert, detail: `${service} scaled from ${surface.desiredReplicas(service)} to ${replicas}` };
  },
};
