import { z } from 'zod';
import { DrillbitError } from '../../errors.ts';
import { signalGroup } from '../../process/process-group.ts';
import type { FaultType } from '../fault-type.ts';
import { revertOnce } from './bounded-revert.ts';
import { describeReplica, liveReplica, processSurface, replicaTarget, restoreReplica, waitReplicaDown } from './target-access.ts';

const params = z.strictObject({
  /** Longest wait for the killed process to be gone, in ms (a process in uninterruptible sleep outlives SIGKILL). Default 3000. */
  waitMs: z.number().int().min(100).max(60_000).default(3000),
});

export type KillParams = z.output<typeof params>;

/** SIGKILL to a replica's process group (a container: through the engine); the revert starts a replacement in its slot. */
export const killFault: FaultType<KillParams> = {
  name: 'kill',
  description: 'SIGKILL a replica (its whole process group); the revert starts a replacement of the same release',
  targets: 'replica',
  params,
  needsDuration: false,
  plan(target) {
    const replica = replicaTarget(target, 'kill');
    // The replica's own pid file is what `drillbit clean` reaps; the replacement dies with the run.
    return [{ kind: 'in-process', description: `replica ${replica.replicaId} of ${replica.service} is replaced by the run` }];
  },
  async inject(target, { waitMs }, ctx) {
    const replica = replicaTarget(target, 'kill');
    const surface = processSurface(ctx, 'kill');
    const handle = liveReplica(surface, replica, 'kill');
    const revert = revertOnce(() => restoreReplica(surface, replica, ctx, 'kill'));
    // A container is killed through its engine (which then knows it died); a process by signal.
    const how = surface.killReplica ? `container ${handle.containerId?.slice(0, 12) ?? replica.replicaId} killed (SIGKILL through the engine)` : `killed (SIGKILL to process group ${handle.pgid})`;
    try {
      if (surface.killReplica) await surface.killReplica(replica.service, replica.replicaId);
      else signalGroup(handle.pgid, 'SIGKILL');
      if (!(await waitReplicaDown(surface, replica, handle.pid, waitMs, ctx.signal))) {
        throw new DrillbitError('timeout', `fault kill on ${describeReplica(replica)}: still running ${waitMs}ms after SIGKILL`);
      }
    } catch (error) {
      await revert().catch(() => undefined);
      throw error;
    }
    return { revert, detail: `pid ${handle.pid} ${how}` };
  },
};
