import type { ResolvedRelease } from '../driver.ts';
import type { Upstream } from './front-proxy.ts';
import type { ReplicaProcess } from './replica-process.ts';

/**
 * The replicas of one release deployed to one service: serving, warm (the previous one),
 * or being retired. Each replica has a slot; a replica that died can be replaced in its
 * slot by a new process with the same id (a fault's revert), the release stays the same.
 */
export class Generation {
  private readonly slots: ReplicaProcess[];

  constructor(
    /** 1, 2, 3… per service, in deploy order. */
    readonly number: number,
    readonly release: ResolvedRelease,
    replicas: readonly ReplicaProcess[],
  ) {
    this.slots = [...replicas];
  }

  /** The current replica of every slot. */
  get replicas(): readonly ReplicaProcess[] {
    return this.slots;
  }

  /** Replicas still running: the proxy routes only to these (passive health). */
  upstreams(): Upstream[] {
    return this.slots.filter((r) => r.alive).map((r) => ({ id: r.id, port: r.port }));
  }

  /** Every replica alive and answering its health check now: fit to take traffic back at once. */
  async ready(timeoutMs = 1000): Promise<boolean> {
    if (!this.slots.every((r) => r.alive)) return false;
    const healthy = await Promise.all(this.slots.map((r) => r.isHealthy(timeoutMs)));
    return healthy.every(Boolean);
  }

  runs(release: ResolvedRelease): boolean {
    return this.release.digest === release.digest;
  }

  /** The current replica of the slot named `id`, if this generation has it. */
  find(id: string): ReplicaProcess | undefined {
    return this.slots.find((r) => r.id === id);
  }

  /** Puts `next` in the slot of the replica with the same id. */
  replace(next: ReplicaProcess): void {
    const index = this.slots.findIndex((r) => r.id === next.id);
    if (index < 0) throw new Error(`generation ${this.number} has no replica ${next.id}`);
    this.slots[index] = next;
  }
}
