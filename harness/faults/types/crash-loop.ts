import { z } from 'zod';
import { DrillbitError, errorMessage } from '../../errors.ts';
import type { ProcessFaultSurface } from '../../drivers/fault-surface.ts';
import { signalGroup } from '../../process/process-group.ts';
import { sleep } from '../../util/sleep.ts';
import type { FaultContext, FaultType } from '../fault-type.ts';
import { revertOnce, withDeadline } from './bounded-revert.ts';
import { currentReplica, describeReplica, liveReplica, processSurface, REPLACE_DEADLINE_MS, replicaTarget, restoreReplica, waitReplicaDown, type ReplicaTarget } from './target-access.ts';

const params = z.strictObject({
  /** Time from one kill to the next, in ms; a replacement that takes longer is killed as soon as it is up. Default 500. */
  intervalMs: z.number().int().min(50).max(600_000).default(500),
  /** Longest wait for a killed process to be gone, in ms. Default 3000. */
  waitMs: z.number().int().min(100).max(60_000).default(3000),
});

export type CrashLoopParams = z.output<typeof params>;

/**
 * A replica that keeps crashing: killed, replaced (as an orchestrator restarts it), killed
 * again every `intervalMs` for the fault's duration. The revert stops the loop and leaves a
 * healthy replacement in the slot.
 */
export const crashLoopFault: FaultType<CrashLoopParams> = {
  name: 'crash-loop',
  description: 'SIGKILL a replica, let it be replaced, and kill it again every intervalMs; the revert stops the loop and leaves a healthy replica',
  targets: 'replica',
  params,
  needsDuration: true,
  plan(target) {
    const replica = replicaTarget(target, 'crash-loop');
    return [{ kind: 'in-process', description: `crash loop on ${replica.replicaId} of ${replica.service}: stopped and replaced by the run` }];
  },
  async inject(target, { intervalMs, waitMs }, ctx) {
    const replica = replicaTarget(target, 'crash-loop');
    const surface = processSurface(ctx, 'crash-loop');
    const first = liveReplica(surface, replica, 'crash-loop');
    const stop = new AbortController();
    const signal = AbortSignal.any([stop.signal, ctx.signal]);
    // Not cut short by the revert: once the loop ends, the driver has seen every kill, so the revert's replacement cannot race one.
    const kill = async (pid: number, pgid: number) => {
      // A container is killed through its engine; a process by signal.
      if (surface.killReplica) await surface.killReplica(replica.service, replica.replicaId);
      else signalGroup(pgid, 'SIGKILL');
      if (!(await waitReplicaDown(surface, replica, pid, waitMs, ctx.signal))) {
        throw new DrillbitError('timeout', `fault crash-loop on ${describeReplica(replica)}: pid ${pid} still running ${waitMs}ms after SIGKILL`);
      }
    };
    let kills = 0;
    let loop: Promise<void> = Promise.resolve();
    const revert = revertOnce(async () => {
      stop.abort();
      await withDeadline(loop, REPLACE_DEADLINE_MS, `fault crash-loop on ${describeReplica(replica)}: stopping the loop`);
      await restoreReplica(surface, replica, ctx, 'crash-loop');
      ctx.log.debug(`fault crash-loop: ${replica.replicaId} killed ${kills} times`);
    });
    try {
      await kill(first.pid, first.pgid);
      kills++;
    } catch (error) {
      await revert().catch(() => undefined);
      throw error;
    }
    loop = crashAgain(surface, replica, intervalMs, signal, ctx, async (pid, pgid) => {
      await kill(pid, pgid);
      kills++;
    });
    return { revert, detail: `pid ${first.pid} killed; its replacements are killed ${intervalMs}ms after the previous kill (or once up, if later) until reverted` };
  },
};

/** The loop: replace, wait out the interval since the last kill, kill. Ends when stopped or the slot is gone; never rejects. */
async function crashAgain(surface: ProcessFaultSurface, replica: ReplicaTarget, intervalMs: number, signal: AbortSignal, ctx: FaultContext, kill: (pid: number, pgid: number) => Promise<void>): Promise<void> {
  let lastKill = performance.now();
  try {
    while (!signal.aborted) {
      await surface.replaceReplica(replica.service, replica.replicaId);
      await sleep(Math.max(0, intervalMs - (performance.now() - lastKill)), signal);
      const next = currentReplica(surface, replica);
      if (!next) return; // the slot is gone (its generation was retired, the service stopped)
      await kill(next.pid, next.pgid);
      lastKill = performance.now();
    }
  } catch (error) {
    if (!signal.aborted) ctx.log.warn(`fault crash-loop on ${describeReplica(replica)} stopped: ${errorMessage(error)}`);
  }
}
