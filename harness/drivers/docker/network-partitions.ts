import { DrillbitError, errorMessage } from '../../errors.ts';
import type { NetworkAttachment } from '../fault-surface.ts';
import type { ContainerReplica } from './container-replica.ts';
import { describeDockerError, engineError, isNotFound, type DockerEngine } from './docker-engine.ts';

interface Partitioned {
  count: number;
  /** What the disconnect took off the network, with the addresses they had. */
  detached: NetworkAttachment[];
}

/**
 * Partitions by the engine's own means: a service's containers are disconnected from the
 * run's network, and their published ports go with it (a port mapping lives on the network
 * endpoint), so nothing reaches them — not their dependents, not the traffic. Reconnecting
 * asks for the same address (which the engine grants only on networks with a configured
 * subnet; otherwise IPAM usually hands the free address back) and the engine publishes the
 * ports again, on new host ports: `refresh` re-reads them and re-routes the front proxy.
 */
export class NetworkPartitions {
  private readonly partitioned = new Map<string, Partitioned>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly engine: DockerEngine,
    private readonly network: string,
    private readonly replicasOf: (service: string) => readonly ContainerReplica[],
    private readonly refresh: (service: string) => Promise<void>,
  ) {}

  attachments(service: string): NetworkAttachment[] {
    return this.replicasOf(service).flatMap((r) => (r.containerId ? [{ container: r.containerId, network: this.network, ipv4Address: r.networkAddress, engine: this.engine.endpoint.url }] : []));
  }

  /** Disconnects every container of the service (counted: only the first of overlapping disconnects acts); returns the reconnect. */
  disconnect(service: string): Promise<() => Promise<void>> {
    return this.serially(async () => {
      const entry = this.partitioned.get(service) ?? { count: 0, detached: [] };
      this.partitioned.set(service, entry);
      entry.count++;
      if (entry.count === 1) {
        entry.detached = this.attachments(service);
        try {
          await Promise.all(entry.detached.map((a) => this.detach(a)));
        } catch (error) {
          // Half a partition is none: put back what left, and say why.
          this.partitioned.delete(service);
          await Promise.allSettled(entry.detached.map((a) => reconnect(this.engine, a)));
          await this.refresh(service).catch(() => undefined);
          throw error;
        }
      }
      let released: Promise<void> | undefined;
      return () =>
        (released ??= this.release(service).catch((error: unknown) => {
          released = undefined; // a retry of the revert tries again
          throw error;
        }));
    });
  }

  private release(service: string): Promise<void> {
    return this.serially(async () => {
      const entry = this.partitioned.get(service);
      if (!entry) return;
      entry.count--;
      if (entry.count > 0) return;
      const results = await Promise.allSettled(entry.detached.map((a) => reconnect(this.engine, a)));
      const failed = results.flatMap((r) => (r.status === 'rejected' ? [errorMessage(r.reason)] : []));
      if (failed.length) {
        entry.count++; // still partitioned: a retry of the revert reconnects again
        throw new DrillbitError('infrastructure', `docker: reconnecting ${service} to ${this.network}: ${failed.join('; ')}`);
      }
      this.partitioned.delete(service);
      await this.refresh(service);
    });
  }

  private async detach(attachment: NetworkAttachment): Promise<void> {
    try {
      await this.engine.docker.getNetwork(this.network).disconnect({ Container: attachment.container, Force: true });
    } catch (error) {
      if (isNotFound(error) || /is not connected/i.test(describeDockerError(error))) return;
      throw engineError(`disconnect ${attachment.container.slice(0, 12)} from ${this.network}`, error);
    }
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

/**
 * Connects a container to a network again, at its old address when the engine grants it.
 * Idempotent: connected already, or the container or network gone, is done.
 */
export async function reconnect(engine: DockerEngine, attachment: Pick<NetworkAttachment, 'container' | 'network' | 'ipv4Address'>): Promise<void> {
  const info = await engine.inspectContainer(attachment.container);
  if (!info || info.NetworkSettings.Networks?.[attachment.network]) return;
  const network = engine.docker.getNetwork(attachment.network);
  const connect = (ip?: string) => network.connect({ Container: attachment.container, ...(ip ? { EndpointConfig: { IPAMConfig: { IPv4Address: ip } } } : {}) });
  try {
    try {
      await connect(attachment.ipv4Address);
    } catch (error) {
      // "user specified IP address is supported only when connecting to networks with user configured subnets", or the address was taken.
      if (!attachment.ipv4Address || isNotFound(error)) throw error;
      await connect();
    }
  } catch (error) {
    if (isNotFound(error) || /already exists in network/i.test(describeDockerError(error))) return;
    throw engineError(`connect ${attachment.container.slice(0, 12)} to ${attachment.network}`, error);
  }
}
