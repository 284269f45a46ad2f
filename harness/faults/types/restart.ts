import { z } from 'zod';
import type { FaultType } from '../fault-type.ts';
import { revertOnce } from './bounded-revert.ts';
import { stopGracefully } from './graceful-stop.ts';
import { currentReplica, liveReplica, processSurface, replicaTarget, restoreReplica } from './target-access.ts';

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
    let how: string;
    try {
      if (surface.restartReplica) {
        // A container: the engine stops it (SIGTERM, SIGKILL after the grace) and starts it again in its slot.
        how = `docker stop -t ${Math.ceil(graceMs / 1000)}, started again`;
        await surface.restartReplica(replica.service, replica.replicaId, graceMs);
      } else how = await stopGracefully(surface, replica, handle, graceMs, ctx.signal, 'restart');
      await revert();
    } catch (error) {
      await revert().catch(() => undefined);
      throw error;
    }
    const next = currentReplica(surface, replica);
    return { revert, detail: `pid ${handle.pid} stopped (${how}), replaced by pid ${next?.pid ?? '(none: the run is ending)'}` };
  },
};
