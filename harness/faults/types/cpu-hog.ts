import { z } from 'zod';
import type { FaultContext, FaultType } from '../fault-type.ts';
import type { UndoRecord } from '../undo-record.ts';
import { revertOnce } from './bounded-revert.ts';
import { canExec, describeContainers, execInContainers, execMarker, EXIT_WITH_STDIN, killExecUndos, serviceContainers } from './container-helper.ts';
import { executeUndos, helperPidFile, spawnHelper } from './helper-process.ts';
import { serviceTarget } from './target-access.ts';

const params = z.strictObject({
  /** Busy processes to run, each spinning one core (a container driver: in each serving container). Default 1. */
  workers: z.number().int().min(1).max(64).default(1),
});

export type CpuHogParams = z.output<typeof params>;

// Checks every 2^24 turns (~10 ms) whether the harness that started it is gone.
const SPIN = 'const p=+process.argv[1];for(let n=1;;n++)if((n&0xffffff)===0&&process.ppid!==p)process.exit(0)';
// Inside a container: spins in 100 ms slices, so the event loop sees its stdin end.
const SPIN_IN_CONTAINER = `${EXIT_WITH_STDIN}const spin=()=>{const end=Date.now()+100;while(Date.now()<end);setImmediate(spin)};process.stdout.write('ready\\n');spin();`;

/**
 * Busy-looping processes as stress-ng --cpu would run: next to the service on the host (they
 * compete with it for the cores), or, where the driver runs containers, inside each serving
 * container (`docker exec`), where they count against its CPU limits.
 */
export const cpuHogFault: FaultType<CpuHogParams> = {
  name: 'cpu-hog',
  description: 'run `workers` busy-looping processes next to the service (a container: inside each serving one) for the duration; the revert kills them',
  targets: 'service',
  params,
  needsDuration: true,
  plan(target, { workers }, ctx) {
    const { service, surface } = serviceTarget(target, ctx, 'cpu-hog');
    if (canExec(surface)) return killExecUndos(serviceContainers(surface, service), execMarker(ctx));
    return workerPidFiles(workers, ctx).map((path): UndoRecord => ({ kind: 'kill-pid-file', path }));
  },
  async inject(target, { workers }, ctx) {
    const { service, surface } = serviceTarget(target, ctx, 'cpu-hog');
    if (canExec(surface)) {
      const hogs = await execInContainers(surface, service, 'cpu-hog', ctx, { script: SPIN_IN_CONTAINER, copies: workers, readyTimeoutMs: 10_000 });
      return { revert: hogs.revert, detail: `${hogs.execs} busy worker${hogs.execs === 1 ? '' : 's'} inside ${service}'s ${describeContainers(hogs.containers)} (docker exec)` };
    }
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
