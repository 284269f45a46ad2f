import type { DockerEngine } from '../drivers/docker/docker-engine.ts';
import { LABELS } from '../drivers/docker/docker-names.ts';
import { removeLabelled, type Removed } from '../drivers/docker/labelled-resources.ts';

/**
 * Everything on an engine labelled `drillbit.run=<runId>`: swarm services first (while one
 * exists, the orchestrator starts again every task container removed below), then
 * containers, networks and volumes. An engine that is not a swarm manager has no services.
 */
export async function removeRunResources(engine: DockerEngine, runId: string, options: { dryRun?: boolean } = {}): Promise<Removed & { services: string[] }> {
  const { removeLabelledServices } = await import('../drivers/swarm/labelled-services.ts');
  const services = await removeLabelledServices(engine, LABELS.run, runId, options).catch(() => ({ services: [], errors: [] }));
  const removed = await removeLabelled(engine, LABELS.run, runId, options);
  return { ...removed, services: services.services, errors: [...services.errors, ...removed.errors] };
}
