import { DrillbitError, errorMessage } from '../../errors.ts';
import type { ProcessFaultSurface, ReplicaHandle } from '../../drivers/fault-surface.ts';
import { sleep } from '../../util/sleep.ts';
import type { FaultContext, FaultTarget } from '../fault-type.ts';
import { withDeadline } from './bounded-revert.ts';

export type ReplicaTarget = Extract<FaultTarget, { kind: 'replica' }>;

/** Longest a replacement (start + health check) may take in a revert; below the runner's revert deadline. */
export const REPLACE_DEADLINE_MS = 12_000;

/** The driver's process surface, or a clear refusal naming the fault. */
export function processSurface(ctx: FaultContext, fault: string): ProcessFaultSurface {
  const surface = ctx.env.processFaults;
  if (!surface) throw new DrillbitError('bad-input', `fault ${fault}: this driver cannot act on processes`, { hint: 'run the scenario with --driver local' });
  return surface;
}

/** The target as a service of this environment, with the surface to act on it; a clear error otherwise. */
export function serviceTarget(target: FaultTarget, ctx: FaultContext, fault: string): { service: string; surface: ProcessFaultSurface } {
  if (target.kind !== 'service') throw new DrillbitError('internal', `fault ${fault} acts on a service, not on a ${target.kind}`);
  const surface = processSurface(ctx, fault);
  try {
    surface.dataDir(target.service);
  } catch (error) {
    throw new DrillbitError('bad-input', `fault ${fault} on ${target.service}: ${errorMessage(error)}`);
  }
  return { service: target.service, surface };
}

export function replicaTarget(target: FaultTarget, fault: string): ReplicaTarget {
  if (target.kind !== 'replica') throw new DrillbitError('internal', `fault ${fault} acts on a replica, not on a ${target.kind}`);
  return target;
}

export function describeReplica(target: ReplicaTarget): string {
  return `${target.service}/${target.replicaId} (pid ${target.pid})`;
}

/** The handle of the target's process while it still runs: same pid, same start time; a clear error otherwise. */
export function liveReplica(surface: ProcessFaultSurface, target: ReplicaTarget, fault: string): ReplicaHandle {
  const handle = surface.replicas(target.service).find((r) => r.id === target.replicaId);
  const same = handle?.alive && handle.pid === target.pid && (target.procStartTime === undefined || handle.procStartTime === undefined || handle.procStartTime === target.procStartTime);
  if (!handle || !same) throw new DrillbitError('internal', `fault ${fault} on ${describeReplica(target)}: the replica is gone (it exited, was replaced or was retired)`);
  return handle;
}

/** The current process in the target's slot, if one runs. */
export function currentReplica(surface: ProcessFaultSurface, target: ReplicaTarget): ReplicaHandle | undefined {
  return surface.replicas(target.service).find((r) => r.id === target.replicaId && r.alive);
}

/** Waits until the driver has seen process `pid` of the target's slot exit; true if it did before the deadline. */
export async function waitReplicaDown(surface: ProcessFaultSurface, target: ReplicaTarget, pid: number, timeoutMs: number, signal: AbortSignal): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const handle = surface.replicas(target.service).find((r) => r.id === target.replicaId);
    if (!handle || !handle.alive || handle.pid !== pid) return true;
    if (performance.now() >= deadline) return false;
    await sleep(10, signal);
  }
}

/**
 * Puts a new process in the target's slot (a no-op when one runs), within a deadline. Once
 * the run is aborted the environment is torn down anyway: there is nothing left to restore.
 */
export async function restoreReplica(surface: ProcessFaultSurface, target: ReplicaTarget, ctx: FaultContext, fault: string): Promise<void> {
  try {
    await withDeadline(surface.replaceReplica(target.service, target.replicaId), REPLACE_DEADLINE_MS, `fault ${fault} on ${describeReplica(target)}: replacing the replica`);
  } catch (error) {
    if (error instanceof DrillbitError && error.code === 'aborted') {
      ctx.log.debug(`fault ${fault}: ${target.replicaId} not replaced, the run is aborted: ${errorMessage(error)}`);
      return;
    }
    throw error;
  }
}
