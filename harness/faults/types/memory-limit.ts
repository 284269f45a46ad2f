import { z } from 'zod';
import { DrillbitError } from '../../errors.ts';
import type { ProcessFaultSurface, ReplicaExec, ReplicaHandle } from '../../drivers/fault-surface.ts';
import { sleep } from '../../util/sleep.ts';
import type { FaultContext, FaultTarget, FaultType } from '../fault-type.ts';
import { executeUndo } from '../undo-executor.ts';
import type { UndoRecord } from '../undo-record.ts';
import { revertOnce } from './bounded-revert.ts';
import { execMarker, EXIT_WITH_STDIN, killExecUndos } from './container-helper.ts';
import { describeReplica, liveReplica, processSurface, replicaTarget, restoreReplica, waitReplicaDown, type ReplicaTarget } from './target-access.ts';

const params = z.strictObject({
  /** The container's memory limit for the duration, in MiB, with no swap (the engine's minimum is 6). Default 128. */
  mb: z.number().int().min(6).max(1_048_576).default(128),
  /** Also fill the container past the limit, so the OOM killer fires on the replica (its processes are made the killer's first choice). Default false. */
  oom: z.boolean().default(false),
  /** With `oom`: longest wait for the engine to report the replica OOM-killed, in ms. Default 10000. */
  waitMs: z.number().int().min(100).max(60_000).default(10_000),
});

export type MemoryLimitParams = z.output<typeof params>;

type MemorySurface = ProcessFaultSurface & Required<Pick<ProcessFaultSurface, 'setMemoryLimit' | 'execInReplica'>>;

const MIB = 1024 * 1024;
// Makes every other process in the container the OOM killer's first choice (raising a score needs no privilege), then grows until killed.
const FILL = `${EXIT_WITH_STDIN}const fs=require('fs');
for(const p of fs.readdirSync('/proc'))if(/^\\d+$/.test(p)&&+p!==process.pid)try{fs.writeFileSync('/proc/'+p+'/oom_score_adj','1000')}catch{}
const held=[];const grow=()=>{held.push(Buffer.alloc(4*${MIB},1));setImmediate(grow)};process.stdout.write('ready\\n');grow();`;

/**
 * A container's memory limit lowered for the fault's duration (`docker update`, no swap);
 * with `oom`, memory is filled inside it past the limit, so the kernel OOM-kills the replica
 * and the engine reports `State.OOMKilled` — a leak's end, staged. The revert puts the limit
 * back and starts the replica again if it died. Target `{ service, replica: 'all' }` limits
 * every replica of a service.
 */
export const memoryLimitFault: FaultType<MemoryLimitParams> = {
  name: 'memory-limit',
  description: "lower a replica's container memory limit to mb MiB for the duration (with oom: fill it until the OOM killer fires); the revert restores the limit and restarts it if it was killed",
  targets: 'replica',
  params,
  needsDuration: true,
  plan(target, { oom }, ctx) {
    const { handle } = memoryTarget(target, ctx);
    const restore: UndoRecord = { kind: 'docker', op: 'update-memory', container: handle.containerId!, memoryBytes: handle.memoryLimit!.memoryBytes, memorySwapBytes: handle.memoryLimit!.memorySwapBytes, engine: handle.engine };
    return oom ? [restore, ...killExecUndos([handle], execMarker(ctx))] : [restore];
  },
  async inject(target, { mb, oom, waitMs }, ctx) {
    const { replica, surface, handle } = memoryTarget(target, ctx);
    const [restore] = memoryLimitFault.plan(target, { mb, oom, waitMs }, ctx);
    let fill: ReplicaExec | undefined;
    const revert = revertOnce(async () => {
      // The limit goes back and the replica comes back even if the filling process will not stop (its kill-exec undo is journaled).
      const stopped = await fill?.stop().then(() => undefined, (error: unknown) => error);
      await executeUndo(restore!);
      await restoreReplica(surface, replica, ctx, 'memory-limit');
      if (stopped) throw stopped;
    });
    const limit = `${mb} MiB`;
    try {
      await surface.setMemoryLimit(replica.service, replica.replicaId, { memoryBytes: mb * MIB, memorySwapBytes: mb * MIB });
      if (!oom) return { revert, detail: `container ${handle.containerId!.slice(0, 12)} limited to ${limit}, no swap (${describeLimit(handle)} before)` };
      fill = await surface.execInReplica(replica.service, replica.replicaId, { argv: ['node', '-e', FILL, execMarker(ctx)], marker: execMarker(ctx) });
      await waitOomKilled(surface, replica, handle, fill, waitMs, ctx.signal);
    } catch (error) {
      await revert().catch(() => undefined);
      if (error instanceof DrillbitError) throw new DrillbitError(error.code, `fault memory-limit on ${describeReplica(replica)}: ${error.message}`, { hint: error.hint, cause: error });
      throw error;
    }
    return { revert, detail: `container ${handle.containerId!.slice(0, 12)} OOM-killed under a ${limit} limit (State.OOMKilled)` };
  },
};

/** The live replica and a surface that can change its container's limit; a clear refusal on drivers without containers. */
function memoryTarget(target: FaultTarget, ctx: FaultContext): { replica: ReplicaTarget; surface: MemorySurface; handle: ReplicaHandle } {
  const replica = replicaTarget(target, 'memory-limit');
  const surface = processSurface(ctx, 'memory-limit');
  if (!surface.setMemoryLimit || !surface.execInReplica) {
    throw new DrillbitError('bad-input', `fault memory-limit on ${describeReplica(replica)}: this driver's replicas are processes with no memory limit to lower`, {
      hint: 'run with --driver docker, or use memory-pressure (memory the host no longer has)',
    });
  }
  const handle = liveReplica(surface, replica, 'memory-limit');
  if (!handle.containerId || !handle.memoryLimit) throw new DrillbitError('internal', `fault memory-limit on ${describeReplica(replica)}: the driver did not say which container it is, or its limit`);
  return { replica, surface: surface as MemorySurface, handle };
}

/** Waits for the replica to die and the engine to say why; an exit that is not an OOM kill, or none, fails the fault. */
async function waitOomKilled(surface: ProcessFaultSurface, replica: ReplicaTarget, handle: ReplicaHandle, fill: ReplicaExec, waitMs: number, signal: AbortSignal): Promise<void> {
  if (!(await waitReplicaDown(surface, replica, handle.pid, waitMs, signal))) {
    const filler = await Promise.race([fill.exited.then((code) => `the filling process ended with code ${code}`), sleep(0).then(() => 'the filling process still runs')]);
    throw new DrillbitError('timeout', `no OOM kill of the replica within ${waitMs}ms (${filler}; was the limit above what the filling could reach?)`);
  }
  // The driver sees the exit a moment before the engine's account of it (State.OOMKilled).
  for (let i = 0; i < 100; i++) {
    const oomKilled = surface.replicas(replica.service).find((r) => r.id === replica.replicaId)?.oomKilled;
    if (oomKilled === true) return;
    if (oomKilled === false) throw new DrillbitError('internal', 'the replica exited, but not by the OOM killer (State.OOMKilled is false)');
    await sleep(20, signal);
  }
  throw new DrillbitError('timeout', 'the replica exited, and the engine never said whether the OOM killer did it');
}

function describeLimit(handle: ReplicaHandle): string {
  const bytes = handle.memoryLimit?.memoryBytes ?? 0;
  return bytes > 0 ? `${Math.round(bytes / MIB)} MiB` : 'no limit';
}
