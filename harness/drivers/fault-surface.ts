/**
 * What a driver lets faults touch, as an optional capability of its environment (as
 * Toxiproxy's optional toxic interfaces): a fault that needs a capability the driver
 * lacks is refused at plan time with a clear message, never half-injected.
 */
export interface ReplicaHandle {
  id: string;
  pid: number;
  /** Process group to signal (the replica and what it spawned). */
  pgid: number;
  /** From /proc/<pid>/stat: tells a live replica from a reused pid. */
  procStartTime?: number;
  serving: boolean;
  alive: boolean;
  /** Container drivers: the container (full ID) this replica runs in; `pid`/`pgid` are then its init process on the host. */
  containerId?: string;
  /** Container drivers: the engine that runs it, as `DOCKER_HOST` names it (`unix:///var/run/docker.sock`), for undo records. */
  engine?: string;
}

export interface HttpFaultRule {
  /** Unique per injection, so reverting one fault never removes another. */
  id: string;
  /** Share of requests affected, 0..1; drawn per request from `random`. */
  share: number;
  /** Answer this status without reaching a replica. */
  abortStatus?: number;
  /** Hold the request this long before forwarding it. */
  delayMs?: number;
  random: () => number;
}

export interface ProcessFaultSurface {
  /** Live view of the replicas of the serving and warm generations of a service. */
  replicas(service: string): ReplicaHandle[];
  /** Starts a replacement for a replica of the serving generation that died or was killed (same release, same slot). Idempotent. */
  replaceReplica(service: string, replicaId: string): Promise<void>;
  /** Stops every replica of a service: a dependency outage. Its address answers 503 meanwhile. */
  stopService(service: string): Promise<void>;
  /** Brings a stopped service back on the release it served before. Idempotent. */
  startService(service: string): Promise<void>;
  /** The service's persistent data directory. */
  dataDir(service: string): string;
  /** Adds an HTTP fault at the service's stable address; the returned function removes it (idempotent). */
  addHttpFault(service: string, rule: HttpFaultRule): () => void;

  // Optional, for drivers whose replicas are containers: the engine's own operations, which
  // the process faults use instead of signals when present (a signal to a container's init
  // from the host bypasses the engine, which then reports a state that is not true).

  /** Kills the replica now (SIGKILL through the engine); resolves once the driver saw it die. */
  killReplica?(service: string, replicaId: string): Promise<void>;
  /** Freezes the replica (`docker pause`); resolves once it is paused. */
  pauseReplica?(service: string, replicaId: string): Promise<void>;
  /** Thaws a paused replica; idempotent (a replica that is not paused, or gone, is left as it is). */
  resumeReplica?(service: string, replicaId: string): Promise<void>;
  /** Stops the replica (SIGTERM, SIGKILL after `graceMs`) and starts it again in its slot, healthy before it takes traffic. */
  restartReplica?(service: string, replicaId: string, graceMs: number): Promise<void>;
}

/** A toxic as Toxiproxy describes it. */
export interface ToxicSpec {
  name: string;
  type: string;
  stream: 'upstream' | 'downstream';
  toxicity: number;
  attributes: Record<string, number>;
}

/** The run's own fault proxy on one link (`from -> to`), as the network faults drive it. */
export interface LinkProxy {
  addToxic(toxic: ToxicSpec): void;
  /** Resolves once data the toxic held has moved on; a toxic that is gone is not an error. */
  removeToxic(name: string): Promise<void>;
  /** Disabled: connections are refused and open ones closed (a partition). */
  setEnabled(enabled: boolean): Promise<void>;
}

export interface NetworkFaultSurface {
  /** Links that reach a service through a fault proxy: each dependent's, and the traffic's (from `client`). */
  inboundLinks(service: string): { from: string; to: string }[];
  link(from: string, to: string): LinkProxy | undefined;
}
