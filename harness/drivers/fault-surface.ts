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
  /** Container drivers: the memory limit the container first started with (what a memory-limit fault restores). */
  memoryLimit?: MemoryLimit;
  /** Container drivers: its last run ended in an OOM kill (`State.OOMKilled`). */
  oomKilled?: boolean;
}

/** A container's memory limit as the engine holds it (`HostConfig.Memory`, `MemorySwap`), in bytes; 0 and 0: none. */
export interface MemoryLimit {
  memoryBytes: number;
  /** Memory plus swap; equal to `memoryBytes`: no swap; -1: unlimited swap. */
  memorySwapBytes: number;
}

/** A command to run inside a replica's container (`docker exec`), counted against the container's limits. */
export interface ReplicaCommand {
  argv: readonly string[];
  /** A string its command line carries, by which a `kill-exec` undo finds it again (`drillbit-fault-<injectionId>`). */
  marker: string;
}

/**
 * A process running inside a container. Its stdin is held open by the harness: a command
 * written for it exits once its stdin ends, so it dies with the harness's connection (a
 * SIGKILLed run leaves no hog running), as a helper process checks its parent pid.
 */
export interface ReplicaExec {
  /** Resolves once its output contains `text`; rejects if it exits first, after `timeoutMs`, or when `signal` aborts. */
  waitForOutput(text: string, timeoutMs: number, signal?: AbortSignal): Promise<void>;
  /** Its exit code once it ended (137: SIGKILL, as the OOM killer sends). */
  readonly exited: Promise<number | null>;
  /** Ends it (stdin closed; killed by its marker if it lingers) and resolves once it is gone. Idempotent. */
  stop(): Promise<void>;
}

/** Where a container of a service is attached: what a network-disconnect undo reconnects. */
export interface NetworkAttachment {
  container: string;
  network: string;
  /** Its address on that network, asked for again on reconnect. */
  ipv4Address?: string;
  engine: string;
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
  /** Stops the replica (`docker stop -t ⌈graceMs/1000⌉`) and leaves its slot empty until `replaceReplica`; resolves once it exited. */
  stopReplica?(service: string, replicaId: string, graceMs: number): Promise<void>;
  /** Sets the container's memory limit through the engine (`docker update`); the engine's refusal is the error. */
  setMemoryLimit?(service: string, replicaId: string, limit: MemoryLimit): Promise<void>;
  /** Runs a command inside the replica's container, in its cgroup (`docker exec`). */
  execInReplica?(service: string, replicaId: string, command: ReplicaCommand): Promise<ReplicaExec>;
  /**
   * Drift: replaces the replica (process, or container recreated under its name) by one whose
   * env has `env` merged over its release's, as someone changing it by hand would — the
   * driver's record of the release it runs stays as it was. `{}` puts the release's own env
   * back. Resolves once the new one is healthy and routed.
   */
  recreateReplicaWithEnv?(service: string, replicaId: string, env: Readonly<Record<string, string>>): Promise<void>;
  /** Drift: the directory a replica runs its release from (local: its store copy), to edit in place. */
  releaseDir?(service: string, replicaId: string): string;
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
  /** In place once it resolves (a proxy in another process is driven over its admin API). */
  addToxic(toxic: ToxicSpec): void | Promise<void>;
  /** Resolves once data the toxic held has moved on; a toxic that is gone is not an error. */
  removeToxic(name: string): Promise<void>;
  /** Disabled: connections are refused and open ones closed (a partition). */
  setEnabled(enabled: boolean): Promise<void>;
}

export interface NetworkFaultSurface {
  /** Links that reach a service through a fault proxy: each dependent's, and the traffic's (from `client`). */
  inboundLinks(service: string): { from: string; to: string }[];
  link(from: string, to: string): LinkProxy | undefined;

  // Optional, for drivers whose services are containers on a network of the run's own.

  /** The containers a disconnect of `service` would take off the network, as undo records need them (before anything is touched). */
  attachments?(service: string): NetworkAttachment[];
  /**
   * Takes every container of `service` off the run's network — their published ports with
   * it, so nothing reaches them — until the returned function reconnects them (idempotent).
   * Overlapping disconnects of one service are counted: the last reconnect reconnects.
   */
  disconnect?(service: string): Promise<() => Promise<void>>;
}

/**
 * An orchestrator's own levers (swarm): node availability and a service's scale, each
 * acted on through the manager; what `drain-node` and `scale-down` use.
 */
export interface OrchestratorFaultSurface {
  /** The engine that manages the swarm, as `DOCKER_HOST` names it, for undo records. */
  readonly engine: string;
  /** The orchestrator's name of a service (`drillbit-<attempt>-shop`), for undo records. */
  serviceName(service: string): string;
  /** The nodes a service's running tasks are on, by node ID, sorted (as last seen: known before anything is touched, for the undo). */
  nodesOf(service: string): string[];
  /**
   * Sets a node's availability. `drain`: its tasks stop and are rescheduled on other nodes
   * (on a single node nothing is left: the service degrades); resolves once the service's
   * tasks reflect it. `active`: resolves once the service runs as many tasks as it asks for.
   */
  setNodeAvailability(service: string, node: string, availability: 'drain' | 'active'): Promise<void>;
  /** Scales a service to `replicas` tasks (the scenario's count when omitted); resolves once that many run. */
  scaleService(service: string, replicas?: number): Promise<void>;
  /** The scenario's replica count of a service. */
  desiredReplicas(service: string): number;
}
