import { DrillbitError } from '../../errors.ts';
import type { ProcessFaultSurface, ReplicaExec, ReplicaHandle } from '../../drivers/fault-surface.ts';
import { throwIfAborted } from '../../util/sleep.ts';
import type { FaultContext } from '../fault-type.ts';
import type { UndoRecord } from '../undo-record.ts';
import { revertOnce, withDeadline } from './bounded-revert.ts';

type ExecSurface = ProcessFaultSurface & Required<Pick<ProcessFaultSurface, 'execInReplica'>>;

/** Ends a helper script once its stdin ends (the harness closed it, or died): put first in every in-container script. */
export const EXIT_WITH_STDIN = "process.stdin.on('end',()=>process.exit(0));process.stdin.on('error',()=>process.exit(0));process.stdin.resume();";

/** What a fault's processes inside containers carry on their command line, so a `kill-exec` undo finds them. */
export function execMarker(ctx: FaultContext): string {
  return `drillbit-fault-${ctx.injectionId}`;
}

/** The driver runs containers it can exec into: helpers then run inside them, in their cgroups. */
export function canExec(surface: ProcessFaultSurface | undefined): surface is ExecSurface {
  return typeof surface?.execInReplica === 'function';
}

/** The serving, running containers of a service: where in-container helpers run. */
export function serviceContainers(surface: ProcessFaultSurface, service: string): ReplicaHandle[] {
  return surface.replicas(service).filter((r) => r.serving && r.alive && r.containerId).sort((a, b) => a.id.localeCompare(b.id));
}

/** One `kill-exec` undo per container: what `drillbit clean` and the watchdog replay. */
export function killExecUndos(containers: readonly ReplicaHandle[], marker: string): UndoRecord[] {
  return containers.map((r): UndoRecord => ({ kind: 'docker', op: 'kill-exec', container: r.containerId!, marker, engine: r.engine }));
}

export interface ContainerHelpers {
  revert: () => Promise<void>;
  execs: number;
  containers: ReplicaHandle[];
}

/**
 * Runs `copies` of a node script (`node -e <script> <marker> ...args`) inside every serving
 * container of a service (`docker exec`), so what it uses counts against the container's
 * limits; each must write `ready` once its effect is in place. The returned revert stops them
 * all (their stdin closed; killed by marker if they linger). An inject that fails halfway
 * stops what it started before it rethrows.
 */
export async function execInContainers(surface: ExecSurface, service: string, fault: string, ctx: FaultContext, run: { script: string; args?: string[]; copies: number; readyTimeoutMs: number }): Promise<ContainerHelpers> {
  const containers = serviceContainers(surface, service);
  if (containers.length === 0) throw new DrillbitError('internal', `fault ${fault} on ${service}: no serving container to run in`);
  const marker = execMarker(ctx);
  const execs: ReplicaExec[] = [];
  const revert = revertOnce(async () => {
    const results = await Promise.allSettled(execs.map((e) => e.stop()));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  });
  try {
    for (const container of containers) {
      for (let i = 0; i < run.copies; i++) {
        throwIfAborted(ctx.signal);
        execs.push(await surface.execInReplica(service, container.id, { argv: ['node', '-e', run.script, marker, ...(run.args ?? [])], marker }));
      }
    }
    await withDeadline(Promise.all(execs.map((e) => e.waitForOutput('ready', run.readyTimeoutMs, ctx.signal))), run.readyTimeoutMs + 1000, `fault ${fault} on ${service}: starting inside its containers`);
  } catch (error) {
    await revert().catch(() => undefined);
    throw error;
  }
  return { revert, execs: execs.length, containers };
}

/** `container 1a2b3c4d5e6f, 9f8e7d6c5b4a`. */
export function describeContainers(containers: readonly ReplicaHandle[]): string {
  return `container${containers.length === 1 ? '' : 's'} ${containers.map((c) => c.containerId!.slice(0, 12)).join(', ')}`;
}
