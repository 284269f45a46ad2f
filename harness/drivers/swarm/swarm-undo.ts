import type { SwarmUndoRecord } from '../../faults/undo-record.ts';
import { DockerEngine, isNotFound } from '../docker/docker-engine.ts';

/** A node's availability, through the manager (`docker node update --availability`). Idempotent. */
export async function setNodeAvailability(engine: DockerEngine, nodeId: string, availability: 'active' | 'drain' | 'pause'): Promise<void> {
  const node = engine.docker.getNode(nodeId);
  const info = (await node.inspect()) as { Version: { Index: number }; Spec: Record<string, unknown> & { Availability?: string } };
  if (info.Spec.Availability === availability) return;
  await node.update({ _query: { version: info.Version.Index }, _body: { ...info.Spec, Availability: availability } } as never);
}

/** A service's replicas, through the manager (`docker service scale`). Idempotent. */
export async function scaleService(engine: DockerEngine, service: string, replicas: number): Promise<void> {
  const handle = engine.docker.getService(service);
  const info = (await handle.inspect()) as { Version: { Index: number }; Spec: Record<string, unknown> & { Mode?: { Replicated?: { Replicas?: number } } } };
  if (info.Spec.Mode?.Replicated?.Replicas === replicas) return;
  await handle.update({ _query: { version: info.Version.Index }, _body: { ...info.Spec, Mode: { Replicated: { Replicas: replicas } } } } as never);
}

/** The swarm undo records `drillbit clean` replays: a drained node made active, a scaled-down service scaled back. Gone: done. */
export async function executeSwarmUndo(undo: SwarmUndoRecord): Promise<void> {
  const engine = DockerEngine.at(undo.engine);
  try {
    if (undo.op === 'node-availability') await setNodeAvailability(engine, undo.node, undo.availability);
    else await scaleService(engine, undo.service, undo.replicas);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}
