import type { DriverContext } from '../driver.ts';
import type { OrchestratorFaultSurface } from '../fault-surface.ts';
import type { DockerEngine } from '../docker/docker-engine.ts';
import { engineError } from '../docker/docker-engine.ts';
import type { SwarmEnvironment } from './swarm-environment.ts';
import { scaleService, setNodeAvailability } from './swarm-undo.ts';

const SETTLE_TIMEOUT_MS = 45_000;

/**
 * Node availability and scale through the manager, for `drain-node` and `scale-down`.
 * Each change waits until the service's tasks show it; a scale changes the service's spec,
 * so Swarm's `PreviousSpec` then is the spec before the scale (rollback() handles that).
 */
export function orchestratorFaults(engine: DockerEngine, env: SwarmEnvironment, ctx: DriverContext): OrchestratorFaultSurface {
  return {
    engine: engine.endpoint.url,
    serviceName: (service) => env.state(service).swarmName,
    desiredReplicas: (service) => env.state(service).spec.replicas,
    nodesOf: (service) => [...new Set(env.state(service).tasks.running.map((t) => t.node).filter((n): n is string => Boolean(n)))].sort(),
    setNodeAvailability: async (service, node, availability) => {
      const state = env.state(service);
      await setNodeAvailability(engine, node, availability).catch((error: unknown) => {
        throw engineError(`set node ${node.slice(0, 12)} ${availability}`, error);
      });
      ctx.log.info(`swarm: node ${node.slice(0, 12)} is ${availability}`);
      const want = state.spec.replicas;
      if (availability === 'drain') await env.waitForTasks(state, `no task on drained node ${node.slice(0, 12)}`, (t) => !t.running.some((x) => x.node === node), SETTLE_TIMEOUT_MS);
      else await env.waitForTasks(state, `${want} tasks running again`, (t) => t.running.length >= want, SETTLE_TIMEOUT_MS);
    },
    scaleService: async (service, replicas) => {
      const state = env.state(service);
      const want = replicas ?? state.spec.replicas;
      await scaleService(engine, state.swarmName, want).catch((error: unknown) => {
        throw engineError(`scale ${state.swarmName} to ${want}`, error);
      });
      await env.waitForTasks(state, `${want} tasks running`, (t) => t.running.length === want, SETTLE_TIMEOUT_MS);
    },
  };
}
