import { DrillbitError } from '../../errors.ts';
import type { ProcessFaultSurface, ReplicaHandle } from '../../drivers/fault-surface.ts';
import { signalGroup } from '../../process/process-group.ts';
import { describeReplica, waitReplicaDown, type ReplicaTarget } from './target-access.ts';

/**
 * Stops a replica as an orchestrator would: SIGTERM to its process group, SIGKILL after
 * `graceMs` (a container: `docker stop -t ⌈graceMs/1000⌉`, through the engine). Resolves
 * once the driver saw it exit, with how it went (`SIGTERM`, `SIGKILL after 500ms`).
 */
export async function stopGracefully(surface: ProcessFaultSurface, replica: ReplicaTarget, handle: ReplicaHandle, graceMs: number, signal: AbortSignal, fault: string): Promise<string> {
  if (surface.stopReplica) {
    await surface.stopReplica(replica.service, replica.replicaId, graceMs);
    return `docker stop -t ${Math.ceil(graceMs / 1000)}`;
  }
  signalGroup(handle.pgid, 'SIGTERM');
  if (await waitReplicaDown(surface, replica, handle.pid, graceMs, signal)) return 'SIGTERM';
  signalGroup(handle.pgid, 'SIGKILL');
  if (!(await waitReplicaDown(surface, replica, handle.pid, 3000, signal))) {
    throw new DrillbitError('timeout', `fault ${fault} on ${describeReplica(replica)}: still running 3000ms after SIGKILL`);
  }
  return `SIGKILL after ${graceMs}ms`;
}
