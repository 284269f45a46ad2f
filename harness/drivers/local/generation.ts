import type { ResolvedRelease } from '../driver.ts';
import type { Upstream } from './front-proxy.ts';
import type { ReplicaProcess } from './replica-process.ts';

/** The replicas of one release deployed to one service: serving, warm (the previous one), or being retired. */
export class Generation {
  constructor(
    /** 1, 2, 3… per service, in deploy order. */
    readonly number: number,
    readonly release: ResolvedRelease,
    readonly replicas: readonly ReplicaProcess[],
  ) {}

  /** Replicas still running: the proxy routes only to these (passive health). */
  upstreams(): Upstream[] {
    return this.replicas.filter((r) => r.alive).map((r) => ({ id: r.id, port: r.port }));
  }

  /** Every replica alive and answering its health check now: fit to take traffic back at once. */
  async ready(timeoutMs = 1000): Promise<boolean> {
    if (!this.replicas.every((r) => r.alive)) return false;
    const healthy = await Promise.all(this.replicas.map((r) => r.isHealthy(timeoutMs)));
    return healthy.every(Boolean);
  }

  runs(release: ResolvedRelease): boolean {
    return this.release.digest === release.digest;
  }
}
