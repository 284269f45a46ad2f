import type Docker from 'dockerode';
import { DrillbitError } from '../../errors.ts';
import type { Timeline } from '../../runner/timeline.ts';
import { sleep } from '../../util/sleep.ts';

/** `UpdateStatus.State` values that end an update (or a rollback). */
const FINAL_STATES = new Set(['completed', 'paused', 'rollback_completed', 'rollback_paused']);

export interface UpdateOutcome {
  state: 'completed' | 'paused' | 'rollback_completed' | 'rollback_paused';
  message: string;
  /** Timeline ms at which each state was first seen (`updating`, `rollback_started`, …). */
  seen: Record<string, number>;
}

export interface ServiceInfo {
  ID: string;
  Version: { Index: number };
  Spec: Record<string, unknown> & { TaskTemplate: { ContainerSpec: { Image: string } }; Mode?: { Replicated?: { Replicas?: number } } };
  PreviousSpec?: ServiceInfo['Spec'];
  UpdateStatus?: { State?: string; StartedAt?: string; CompletedAt?: string; Message?: string };
}

export async function inspectService(docker: Docker, id: string): Promise<ServiceInfo> {
  return (await docker.getService(id).inspect()) as ServiceInfo;
}

/**
 * Follows a service's `UpdateStatus` after an update (or a `rollback=previous`) until Swarm
 * ends it: completed, paused, rolled back, or rollback paused. Each state is put on the
 * timeline as `orchestrator-update` when first seen, so detection and restore are measured
 * from what the orchestrator said; `by` says whose decision a rollback in it was (`harness`:
 * Drillbit asked for `rollback=previous`; `orchestrator`: Swarm's failure action). `startedAfter` is the previous update's `StartedAt`: an
 * older status is not this update's.
 */
export async function watchUpdate(
  docker: Docker,
  serviceId: string,
  options: { service: string; timeline: Timeline; startedBefore?: string; timeoutMs: number; signal: AbortSignal; intervalMs?: number; by: 'orchestrator' | 'harness' },
): Promise<UpdateOutcome> {
  const seen: Record<string, number> = {};
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    const info = await inspectService(docker, serviceId);
    const status = info.UpdateStatus;
    const ours = status?.State && status.StartedAt !== options.startedBefore;
    if (ours) {
      const state = status.State!;
      if (seen[state] === undefined) {
        seen[state] = options.timeline.emit('orchestrator-update', { service: options.service, state, by: options.by, message: status.Message ?? state }).tMs;
      }
      if (FINAL_STATES.has(state)) return { state: state as UpdateOutcome['state'], message: status.Message ?? state, seen };
    }
    await sleep(options.intervalMs ?? 100, options.signal);
  }
  throw new DrillbitError('timeout', `swarm: the update of ${options.service} did not end within ${Math.round(options.timeoutMs / 1000)} s`, { hint: 'docker service ps <service> shows what its tasks are doing' });
}
