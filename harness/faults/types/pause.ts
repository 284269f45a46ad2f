import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { signalGroup } from '../../process/process-group.ts';
import { sleep } from '../../util/sleep.ts';
import type { FaultContext, FaultType } from '../fault-type.ts';
import { executeUndo } from '../undo-executor.ts';
import type { UndoRecord } from '../undo-record.ts';
import { revertOnce } from './bounded-revert.ts';
import { liveReplica, processSurface, replicaTarget, type ReplicaTarget } from './target-access.ts';

const params = z.strictObject({});

export type PauseParams = z.output<typeof params>;

/**
 * SIGSTOP to a replica's process group for the fault's duration: it holds connections and
 * answers nothing. A container is frozen through its engine instead (`docker pause`), so
 * the engine's view stays true; its undo is an unpause the journal can replay.
 */
export const pauseFault: FaultType<PauseParams> = {
  name: 'pause',
  description: 'SIGSTOP a replica (its whole process group; a container: docker pause) for the duration; the revert sends SIGCONT (docker unpause)',
  targets: 'replica',
  params,
  needsDuration: true,
  plan(target, _params, ctx) {
    return [resume(replicaTarget(target, 'pause'), ctx)];
  },
  async inject(target, _params, ctx) {
    const replica = replicaTarget(target, 'pause');
    const surface = processSurface(ctx, 'pause');
    const handle = liveReplica(surface, replica, 'pause');
    const undo = resume(replica, ctx);
    if (surface.pauseReplica && undo.kind === 'docker') {
      const revert = revertOnce(() => (surface.resumeReplica ? surface.resumeReplica(replica.service, replica.replicaId) : executeUndo(undo)));
      try {
        await surface.pauseReplica(replica.service, replica.replicaId);
      } catch (error) {
        await revert().catch(() => undefined);
        throw error;
      }
      return { revert, detail: `container ${undo.container.slice(0, 12)} paused (docker pause; pid ${handle.pid})` };
    }
    const revert = revertOnce(() => executeUndo(undo));
    signalGroup(handle.pgid, 'SIGSTOP');
    try {
      await stopped(handle.pid, ctx.signal);
    } catch (error) {
      await revert();
      throw error;
    }
    return { revert, detail: `pid ${handle.pid} stopped (SIGSTOP to process group ${handle.pgid})` };
  },
};

/** The undo: SIGCONT to the group, only while the pid still names the replica's process; for a container, an unpause through its engine. */
function resume(replica: ReplicaTarget, ctx: FaultContext): UndoRecord {
  const surface = ctx.env.processFaults;
  const handle = surface?.replicas(replica.service).find((r) => r.id === replica.replicaId && r.pid === replica.pid);
  if (surface?.pauseReplica && handle?.containerId) return { kind: 'docker', op: 'unpause', container: handle.containerId, engine: handle.engine };
  return { kind: 'signal', pid: replica.pid, pgid: handle?.pgid ?? replica.pid, procStartTime: replica.procStartTime ?? handle?.procStartTime, signal: 'SIGCONT' };
}

/** Waits (briefly) until the kernel shows the process stopped, so the effect is in place when inject returns. */
async function stopped(pid: number, signal: AbortSignal): Promise<void> {
  for (let waited = 0; waited < 1000; waited += 5) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
    if (stat === undefined || stat.slice(stat.lastIndexOf(')') + 2)[0] === 'T') return;
    await sleep(5, signal);
  }
}
