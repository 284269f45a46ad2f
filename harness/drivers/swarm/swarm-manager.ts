import { DrillbitError } from '../../errors.ts';
import { describeDockerError, isNotFound, type DockerEngine } from '../docker/docker-engine.ts';
import { findBridgeGateway, hostInterfaces, type BridgeNetworkInfo, type HostInterfaces } from '../docker/network-gateway.ts';

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

/** The default bridge network's gateway as the engine and this host show it; an infrastructure error (exit 3) naming what was tried. */
export async function bridgeGateway(engine: DockerEngine, interfaces?: HostInterfaces): Promise<string> {
  let info: BridgeNetworkInfo = {};
  try {
    info = (await engine.docker.getNetwork('bridge').inspect()) as BridgeNetworkInfo;
  } catch (error) {
    if (!isNotFound(error)) throw new DrillbitError('infrastructure', `docker: inspect network bridge: ${describeDockerError(error)}`, { cause: error });
    throw new DrillbitError('infrastructure', 'docker: the engine has no default bridge network; swarm tasks could not reach the link proxies on the host', {
      hint: 'start dockerd without --bridge=none',
    });
  }
  const answer = findBridgeGateway(info, interfaces ?? (await hostInterfaces()));
  if (answer.address !== undefined) return answer.address;
  throw new DrillbitError('infrastructure', `docker: no address of this host on the default bridge network (${answer.tried.join('; ')}); swarm tasks could not reach the link proxies on the host`, {
    hint: 'the swarm driver needs a local engine whose bridge (docker0) has an address: docker network inspect bridge; ip addr show docker0',
  });
}
