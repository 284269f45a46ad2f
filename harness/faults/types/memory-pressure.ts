import { freemem } from 'node:os';
import { z } from 'zod';
import { DrillbitError } from '../../errors.ts';
import type { FaultType } from '../fault-type.ts';
import type { UndoRecord } from '../undo-record.ts';
import { revertOnce, withDeadline } from './bounded-revert.ts';
import { canExec, describeContainers, execInContainers, execMarker, EXIT_WITH_STDIN, killExecUndos, serviceContainers } from './container-helper.ts';
import { executeUndos, helperPidFile, spawnHelper, type HelperProcess } from './helper-process.ts';
import { serviceTarget } from './target-access.ts';

const params = z.strictObject({
  /** Memory to allocate and hold, in MiB (every page written, so it is resident; a container driver: in each serving container). Default 256. */
  mb: z.number().int().min(1).max(8192).default(256),
  /** Memory that must stay available to everything else, in MiB: a larger `mb` is refused. Default 512. */
  reserveMb: z.number().int().min(64).max(65_536).default(512),
});

export type MemoryPressureParams = z.output<typeof params>;

const MIB = 1024 * 1024;
// Allocates in 64 MiB buffers (Buffer.alloc(n, 1) writes every page), says "ready", holds until killed or orphaned.
const HOG = `const p=+process.argv[1],mb=+process.argv[2],held=[];
for(let left=mb;left>0;left-=64)held.push(Buffer.alloc(Math.min(left,64)*${MIB},1));
process.stdout.write('ready\\n');setInterval(()=>{if(process.ppid!==p)process.exit(0)},100);`;
// Inside a container: the same allocation; it holds until its stdin ends.
const HOG_IN_CONTAINER = `${EXIT_WITH_STDIN}const mb=+process.argv[2],held=[];
for(let left=mb;left>0;left-=64)held.push(Buffer.alloc(Math.min(left,64)*${MIB},1));
process.stdout.write('ready\\n');`;
const READY_DEADLINE_MS = 30_000;

/**
 * One process that allocates `mb` MiB and holds it: next to the service on the host (memory
 * the service no longer has), or, where the driver runs containers, inside each serving
 * container (`docker exec`), where it counts against the container's memory limit.
 */
export const memoryPressureFault: FaultType<MemoryPressureParams> = {
  name: 'memory-pressure',
  description: 'run a process next to the service (a container: inside each serving one) that allocates and holds mb MiB for the duration; the revert kills it',
  targets: 'service',
  params,
  needsDuration: true,
  plan(target, _params, ctx) {
    const { service, surface } = serviceTarget(target, ctx, 'memory-pressure');
    if (canExec(surface)) return killExecUndos(serviceContainers(surface, service), execMarker(ctx));
    return [{ kind: 'kill-pid-file', path: helperPidFile(ctx.workDir, ctx.injectionId, 0) } satisfies UndoRecord];
  },
  async inject(target, { mb, reserveMb }, ctx) {
    const { service, surface } = serviceTarget(target, ctx, 'memory-pressure');
    const copies = canExec(surface) ? serviceContainers(surface, service).length : 1;
    const availableMb = Math.floor(freemem() / MIB);
    if (mb * copies > availableMb - reserveMb) {
      const what = copies === 1 ? `${mb} MiB` : `${mb} MiB in each of ${copies} containers`;
      throw new DrillbitError('bad-input', `fault memory-pressure on ${service}: ${what} would leave less than ${reserveMb} MiB of the ${availableMb} MiB available`, { hint: 'lower params.mb' });
    }
    if (canExec(surface)) {
      const hogs = await execInContainers(surface, service, 'memory-pressure', ctx, { script: HOG_IN_CONTAINER, args: [String(mb)], copies: 1, readyTimeoutMs: READY_DEADLINE_MS });
      return { revert: hogs.revert, detail: `${mb} MiB held inside ${service}'s ${describeContainers(hogs.containers)} (docker exec)` };
    }
    const undo = memoryPressureFault.plan(target, { mb, reserveMb }, ctx);
    const revert = revertOnce(() => executeUndos(undo));
    let pid: number | undefined;
    try {
      const hog = await spawnHelper(ctx, service, 0, HOG, [String(mb)], { stdout: true });
      pid = hog.pid;
      await withDeadline(ready(hog, ctx.signal), READY_DEADLINE_MS, `fault memory-pressure on ${service}: allocating ${mb} MiB`);
    } catch (error) {
      await revert().catch(() => undefined);
      throw error;
    }
    return { revert, detail: `pid ${pid} holds ${mb} MiB next to ${service}` };
  },
};

/** Resolves once the hog says it holds the memory; rejects if it exits first or the run is aborted. */
function ready({ child }: HelperProcess, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let said = '';
    let settled = false;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      child.stdout!.destroy(); // it writes nothing else; the pipe must not keep the harness alive
      child.unref();
      signal.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    };
    const onAbort = () => settle(new DrillbitError('aborted', 'fault memory-pressure: aborted while allocating'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    child.stdout!.on('data', (chunk: Buffer) => {
      said += chunk.toString();
      if (said.includes('ready')) settle();
    });
    child.once('exit', (code, sig) => settle(new DrillbitError('internal', `fault memory-pressure: the allocating process ${sig ? `was killed by ${sig}` : `exited with code ${code}`} before holding its memory`)));
  });
}
