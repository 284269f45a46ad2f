import { z } from 'zod';
import type { FaultType } from '../fault-type.ts';
import { revertOnce, withDeadline } from './bounded-revert.ts';
import { orchestratorTarget } from './orchestrator-access.ts';

const params = z.strictObject({});
const REVERT_DEADLINE_MS = 45_000;

export type DrainNodeParams = z.output<typeof params>;

/**
 * Swarm: the node a service's tasks run on is set to `drain`, so the orchestrator moves its
 * tasks away — on a single node there is nowhere to go, and the service degrades. The
 * revert sets it `active` and waits for the tasks to come back. The undo (journaled first)
 * sets it active, so a killed run never leaves the engine's node drained.
 */
export const drainNodeFault: FaultType<DrainNodeParams> = {
  name: 'drain-node',
  description: "swarm: drain the node a service's tasks run on (they move elsewhere, or stop on a single node); the revert makes it active again",
  targets: 'service',
  params,
  needsDuration: true,
  plan(target, _params, ctx) {
    const { service, surface } = orchestratorTarget(target, ctx, 'drain-node');
    const [node] = surface.nodesOf(service);
    return node ? [{ kind: 'swarm', op: 'node-availability', node, availability: 'active', engine: surface.engine }] : [];
  },
  async inject(target, _params, ctx) {
    const { service, surface } = orchestratorTarget(target, ctx, 'drain-node');
    const [node] = surface.nodesOf(service);
    if (!node) throw new Error(`fault drain-node: no task of ${service} runs on any node`);
    const revert = revertOnce(() => withDeadline(surface.setNodeAvailability(service, node, 'active'), REVERT_DEADLINE_MS, `fault drain-node: node ${node.slice(0, 12)} active again`));
    try {
      await surface.setNodeAvailability(service, node, 'drain');
    } catch (error) {
      await revert().catch(() => undefined);
      throw error;
    }
    return { revert, detail: `node ${node.slice(0, 12)} drained` };
  },
};
