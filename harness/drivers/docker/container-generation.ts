import type { ResolvedRelease } from '../driver.ts';
import type { Upstream } from '../local/front-proxy.ts';
import type { ContainerReplica } from './container-replica.ts';

/**
 * The containers of one release deployed to one service: serving, warm (the previous
 * one), or being retired. Each container keeps its slot for life (see ContainerReplica).
 */
export class ContainerGeneration {
  constructor(
    /** 1, 2, 3… per service, in deploy order. */
    readonly number: number,
    readonly release: ResolvedRelease,
    readonly replicas: readonly ContainerReplica[],
  ) {}

  /** Running containers, at their published ports: the front proxy routes only to these (passive health). */
  upstreams(): Upstream[] {
    return this.replicas.filter((r) => r.alive && r.hostPort !== undefined).map((r) => ({ id: r.id, port: r.hostPort! }));
  }

  /** Every container running and answering its health check now: fit to take traffic back at once. */
  async ready(timeoutMs = 1000): Promise<boolean> {
    if (!this.replicas.every((r) => r.alive)) return false;
    const healthy = await Promise.all(this.replicas.map((r) => r.isHealthy(timeoutMs)));
    return healthy.every(Boolean);
  }

  runs(release: ResolvedRelease): boolean {
    return this.release.digest === release.digest && this.release.image?.id === release.image?.id;
  }

  find(id: string): ContainerReplica | undefined {
    return this.replicas.find((r) => r.id === id);
  }
}
