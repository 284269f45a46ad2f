import type { Digest, ObservedReplica, ResolvedRelease } from '../driver.ts';
import { measuredConfigDigest } from '../docker/container-observer.ts';
import { CONTAINER_PORT } from '../docker/docker-names.ts';
import type { TaskView } from './service-tasks.ts';
import { containerPlaceholders } from '../docker/container-spec.ts';

const HEALTH_TIMEOUT_MS = 1000;

/** `<service>.<slot>`, as Swarm numbers its slots (`shop.1`): the id survives the task that fills it being replaced. */
export function replicaIdOf(service: string, task: TaskView): string {
  return `${service}.${task.slot}`;
}

/** The slot a replica id names. */
export function slotOf(replicaId: string): number | undefined {
  const match = /\.(\d+)$/.exec(replicaId);
  return match ? Number(match[1]) : undefined;
}

/**
 * One task as it really is: the digest of the image its container runs (from the image's
 * `drillbit.release.digest` label — not what the driver asked for), the config digest from
 * the container's Env and Cmd against the release whose image it is, and a live health GET
 * on its published port. A task that is starting is observed too (not serving, not healthy),
 * so a service left half-updated shows each task on its own image.
 */
export async function observeTask(state: { name: string; spec: { container?: { port?: number }; dependsOn?: string[] } }, task: TaskView, serving: boolean, release: ResolvedRelease | undefined, dependencies: Readonly<Record<string, string>>): Promise<ObservedReplica> {
  const address = task.hostPort ? new URL(`http://127.0.0.1:${task.hostPort}`) : undefined;
  const running = task.state === 'running' && !task.paused;
  const observable = release !== undefined && task.env !== undefined && task.args !== undefined;
  const healthy = running && task.health !== 'unhealthy' && address !== undefined && release !== undefined && (await probe(address, release.manifest.health.path));
  return {
    id: replicaIdOf(state.name, task),
    digest: task.digest as Digest | undefined,
    configDigest: observable ? measured(release, state.spec.container?.port ?? CONTAINER_PORT, task, dependencies) : undefined,
    healthy,
    serving,
    pid: task.pid,
    address,
    evidence: {
      release: task.digest ? 'container-image' : 'unobservable',
      config: observable ? 'container-config' : 'unobservable',
      ...(observable && task.digest ? {} : { reason: !release ? 'its image is not a release of this drill' : 'its container is not known to the engine yet' }),
    },
  };
}

function measured(release: ResolvedRelease, port: number, task: TaskView, dependencies: Readonly<Record<string, string>>): Digest {
  return measuredConfigDigest(release.manifest, containerPlaceholders(port, dependencies), task.env!, task.args!);
}

async function probe(address: URL, path: string): Promise<boolean> {
  try {
    const response = await fetch(new URL(path, address), { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}
