import type Docker from 'dockerode';
import { DrillbitError } from '../../errors.ts';
import type { MemoryLimit } from '../fault-surface.ts';
import { describeDockerError, engineError, isNotFound, type DockerEngine } from './docker-engine.ts';

const MIB = 1024 * 1024;

/** A container's limit as `docker inspect` shows it (`HostConfig.Memory`, `MemorySwap`). */
export function memoryLimitOf(hostConfig: Docker.HostConfig | undefined): MemoryLimit {
  return { memoryBytes: hostConfig?.Memory ?? 0, memorySwapBytes: hostConfig?.MemorySwap ?? 0 };
}

/**
 * `docker update --memory --memory-swap` of a running or stopped container. The engine's
 * refusal (a limit below what the container holds: cgroup v1 cannot reclaim anonymous
 * memory without swap; below its 6 MB minimum) is bad input, with the engine's words.
 */
export async function updateMemoryLimit(engine: DockerEngine, container: string, limit: MemoryLimit): Promise<void> {
  try {
    await engine.docker.getContainer(container).update({ Memory: limit.memoryBytes, MemorySwap: limit.memorySwapBytes });
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === undefined) throw engineError(`update memory of ${container.slice(0, 12)}`, error);
    throw new DrillbitError('bad-input', `the engine refused a memory limit of ${formatMib(limit.memoryBytes)} for container ${container.slice(0, 12)}: ${describeDockerError(error).trim()}`, {
      hint: 'choose a limit above what the container already uses (docker stats), and at least 6 MiB',
      cause: error,
    });
  }
}

/**
 * Puts a limit back. The engine cannot unset one (`docker update` takes 0 as "unchanged" and
 * rejects -1 as below its minimum), so "none" becomes the engine's whole memory (and twice
 * that with swap, Docker's default for a limit; runc 1.1 fails to raise a running
 * container's limit with swap -1): no process in the container can tell the difference. A
 * container that is gone has nothing to restore. Idempotent.
 */
export async function restoreMemoryLimit(engine: DockerEngine, container: string, original: MemoryLimit): Promise<void> {
  const limit = await effectiveLimit(engine, original);
  try {
    await engine.docker.getContainer(container).update({ Memory: limit.memoryBytes, MemorySwap: limit.memorySwapBytes });
  } catch (error) {
    if (isNotFound(error)) return;
    throw engineError(`restore the memory limit of ${container.slice(0, 12)}`, error);
  }
}

async function effectiveLimit(engine: DockerEngine, original: MemoryLimit): Promise<MemoryLimit> {
  if (original.memoryBytes > 0) {
    // Docker stores "swap not set" as twice the memory; 0 here would mean "unchanged" and leave the lowered swap limit.
    return { memoryBytes: original.memoryBytes, memorySwapBytes: original.memorySwapBytes || original.memoryBytes * 2 };
  }
  const info = (await engine.docker.info().catch((error: unknown) => {
    throw engineError('docker info', error);
  })) as { MemTotal?: number };
  if (!info.MemTotal) throw new DrillbitError('infrastructure', 'docker info reported no MemTotal: the memory limit cannot be lifted');
  return { memoryBytes: info.MemTotal, memorySwapBytes: info.MemTotal * 2 };
}

export function formatMib(bytes: number): string {
  return `${Math.round((bytes / MIB) * 10) / 10} MiB`;
}
