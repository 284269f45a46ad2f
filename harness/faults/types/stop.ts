import { z } from 'zod';
import type { FaultType } from '../fault-type.ts';
import { revertOnce } from './bounded-revert.ts';
import { stopGracefully } from './graceful-stop.ts';
import { liveReplica, processSurface, replicaTarget, restoreReplica } from './target-access.ts';

const params = z.strictObject({
  /** How long the replica may take to exit after SIGTERM before it gets SIGKILL, in ms (a container: rounded up to seconds). Default 5000. */
  graceMs: z.number().int().min(0).max(60_000).default(5000),
});

export type StopParams = z.output<typeof params>;

/**
 * A replica stopped gracefully and left down for the fault's duration — a node drained, a
 * container stopped by hand — then started again. Unlike `restart` (stopped and replaced at
 * once), the slot stays empty while it lasts: fewer replicas serve, and a service of one
 * answers 503.
 */
export const stopFault: FaultType<StopParams> = {
  name: 'stop',
  description: 'stop a replica gracefully (SIGTERM, SIGKILL after graceMs; a container: docker stop) for the duration; the revert starts it again in its slot, healthy, back in the pool',
  targets: 'replica',
  params,
  needsDuration: true,
  plan(target) {
    const replica = replicaTarget(target, 'stop');
    // A stopped replica is the run's own: it goes with the environment (pid files, run labels), and a live run starts it again.
    return [{ kind: 'in-process', description: `replica ${replica.replicaId} of ${replica.service} is started again by the run` }];
  },
  async inject(target, { graceMs }, ctx) {
    const replica = replicaTarget(target, 'stop');
    const surface = processSurface(ctx, 'stop');
    const handle = liveReplica(surface, replica, 'stop');
    const revert = revertOnce(() => restoreReplica(surface, replica, ctx, 'stop'));
    let how: string;
    try {
      how = await stopGracefully(surface, replica, handle, graceMs, ctx.signal, 'stop');
    } catch (error) {
      await revert().catch(() => undefined);
      throw error;
    }
    const what = handle.containerId ? `container ${handle.containerId.slice(0, 12)}` : `pid ${handle.pid}`;
    return { revert, detail: `${what} stopped (${how}); its slot stays empty until the revert` };
  },
};
