import { DrillbitError } from '../../errors.ts';
import type { DockerEngine } from '../docker/docker-engine.ts';

export const SWARM_INIT_HINT = 'make this engine a swarm manager: docker swarm init --advertise-addr 127.0.0.1 (or point DOCKER_HOST at a manager) — or run with --driver docker';

/** What the driver needs to know of the swarm: that this engine is a manager, and the node it runs on. */
export interface SwarmNode {
  nodeId: string;
  /** The engine is a manager (it can create and update services). */
  manager: true;
}

/**
 * Asks the engine whether it is an active swarm manager. Not in a swarm, or a worker:
 * an infrastructure error (exit 3) with the hint to `docker swarm init`.
 */
export async function requireSwarmManager(engine: DockerEngine): Promise<SwarmNode> {
  await engine.ready();
  const info = (await engine.docker.info()) as { Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean; NodeID?: string } };
  const state = info.Swarm?.LocalNodeState ?? 'inactive';
  if (state !== 'active') {
    throw new DrillbitError('infrastructure', `the Docker engine at ${engine.endpoint.url} is not in a swarm (swarm state: ${state})`, { hint: SWARM_INIT_HINT });
  }
  if (!info.Swarm?.ControlAvailable) {
    throw new DrillbitError('infrastructure', `the Docker engine at ${engine.endpoint.url} is a swarm worker, not a manager: services cannot be created from it`, { hint: 'point DOCKER_HOST at a manager node (docker node ls on a manager lists them)' });
  }
  return { nodeId: info.Swarm.NodeID ?? '', manager: true };
}
