import { z } from 'zod';
import type { FaultContext, FaultType } from '../fault-type.ts';
import type { UndoRecord } from '../undo-record.ts';
import { revertOnce } from './bounded-revert.ts';
import { executeUndos, helperPidFile, spawnHelper } from './helper-process.ts';
import { serviceTarget } from './target-access.ts';

const params = z.strictObject({
  /** Busy processes to run, each spinning one core. Default 1. */
  workers: z.number().int().min(1).max(64).default(1),
});

export type CpuHogParams = z.output<typeof params>;

// Checks every 2^24 turns (~10 ms) whether the harness that started it is gone.
const SPIN = 'const p=+process.argv[1];for(let n=1;;n++)if((n&0xffffff)===0&&process.ppid!==p)process.exit(0)';

/** Busy-looping processes next to a service, as stress-ng --cpu would run: they compete with it for the cores. */
export const cpuHogFault: FaultType<CpuHogParams> = {
  name: 'cpu-hog',
  description: 'run `workers` busy-looping processes next to the service for the duration; the revert kills them',
  targets: 'service',
  params,
  needsDuration: true,
  plan(target, { workers }, ctx) {
    return workerPidFiles(workers, ctx).map((path): UndoRecord => ({ kind: 'kill-pid-file', path }));
  },
  async inject(target, { workers }, ctx) {
    const service = serviceTarget(target, ctx, 'cpu-hog').service;
    const undo = cpuHogFault.plan(target, { workers }, ctx);
    const revert = revertOnce(() => executeUndos(undo));
    const pids: number[] = [];
    try {
      for (let i = 0; i < workers; i++) pids.push((await spawnHelper(ctx, service, i, SPIN, [])).pid);
    } catch (error) {
      await revert().catch(() => undefined);
      throw error;
    }
    return { revert, detail: `${workers} busy worker${workers === 1 ? '' : 's'} next to ${service}: pid ${pids.join(', ')}` };
  },
};

function workerPidFiles(workers: number, ctx: FaultContext): string[] {
  return Array.from({ length: workers }, (_, i) => helperPidFile(ctx.workDir, ctx.injectionId, i));
}
