import { z } from 'zod';
import { DrillbitError } from '../../errors.ts';
import { signalGroup } from '../../process/process-group.ts';
import type { FaultType } from '../fault-type.ts';
import { revertOnce } from './bounded-revert.ts';
import { currentReplica, describeReplica, liveReplica, processSurface, replicaTarget, restoreReplica, waitReplicaDown } from './target-access.ts';

const params = z.strictObject({
  /** How long the replica may take to exit after SIGTERM before it gets SIGKILL, in ms. Default 5000. */
  graceMs: z.number().int().min(0).max(60_000).default(5000),
});

export type RestartParams = z.output<typeof params>;

/** A graceful restart: SIGTERM to the replica's group, then a new process of the same release in its slot. */
export const restartFault: FaultType<RestartParams> = {
  name: 'restart',
  description: 'SIGTERM a replica (SIGKILL after graceMs) and start a replacement of the same release; the revert makes sure it was replaced',
  targets: 'replica',
  params,
  needsDuration: false,
  plan(target) {
    const replica = replicaTarget(target, 'restart');
    return [{ kind: 'in-process', description: `replica ${replica.replicaId} of ${replica.service} is replaced by the run` }];
  },
  async inject(target, { graceMs }, ctx) {
    const replica = replicaTarget(target, 'restart');
    const surface = processSurface(ctx, 'restart');
    const handle = liveReplica(surface, replica, 'restart');
    const revert = revertOnce(() => restoreReplica(surface, replica, ctx, 'restart'));
    let how = 'SIGTERM';
    try {
      if (surface.restartReplica) {
        // A container: the engine stops it (SIGTERM, SIGKILL after the grace) and starts it again in its slot.
        how = `docker stop -t ${Math.ceil(graceMs / 1000)}, started again`;
        await surface.restartReplica(replica.service, replica.replicaId, graceMs);
      } else signalGroup(handle.pgid, 'SIGTERM');
      if (!surface.restartReplica && !(await waitReplicaDown(surface, replica, handle.pid, graceMs, ctx.signal))) {
        how = `SIGKILL after ${graceMs}ms`;
        signalGroup(handle.pgid, 'SIGKILL');
        if (!(await waitReplicaDown(surface, replica, handle.pid, 3000, ctx.signal))) {
          throw new DrillbitError('timeout', `fault restart on ${describeReplica(replica)}: still running 3000ms after SIGKILL`);
        }
      }
      await revert();
    } catch (error) {
      await revert().catch(() => undefined);
      throw error;
    }
    const next = currentReplica(surface, replica);
    return { revert, detail: `pid ${handle.pid} stopped (${how}), replaced by pid ${next?.pid ?? '(none: the run is ending)'}` };
  },
};
