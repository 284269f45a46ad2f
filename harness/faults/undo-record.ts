/**
 * What undoes a fault, as data: written to the fault journal *before* the fault is
 * injected, so that `drillbit clean` can replay it after the run was SIGKILLed. Every
 * undo is safe to repeat, and touches a process only when its start time still matches
 * (a reused pid is someone else's).
 */
export type UndoRecord =
  /** Send a signal to a process, or to its whole group when `pgid` is set (SIGCONT after a pause). */
  | { kind: 'signal'; pid: number; pgid?: number; procStartTime?: number; signal: NodeJS.Signals }
  /** Kill the process (group) whose pid file this is, then remove the file. */
  | { kind: 'kill-pid-file'; path: string }
  /** Remove a file or directory the fault created (disk fill). */
  | { kind: 'remove-path'; path: string }
  /** In-process state that dies with the run (a toxic on the run's own proxy); undone by the live run only. */
  | { kind: 'in-process'; description: string }
  /**
   * A container operation through its engine (`engine`: a `DOCKER_HOST` URL, default the
   * system socket): unpause it (after a pause fault), or remove it (one a fault created).
   * A container that is gone, or not paused, is already undone.
   */
  | { kind: 'docker'; op: 'unpause' | 'remove-container'; container: string; engine?: string }
  /** Reconnect a container to a network it was disconnected from (at its old address when the engine allows); connected or gone: done. */
  | { kind: 'docker'; op: 'connect'; container: string; network: string; ipv4Address?: string; engine?: string }
  /** Put back a container's memory limit (bytes; 0: none, which becomes the engine's whole memory, as `docker update` cannot unset a limit). */
  | { kind: 'docker'; op: 'update-memory'; container: string; memoryBytes: number; memorySwapBytes: number; engine?: string }
  /** Kill every process in the container whose command line carries `marker` (a hog a fault exec'd there). */
  | { kind: 'docker'; op: 'kill-exec'; container: string; marker: string; engine?: string }
  /** Swarm, through its manager: set a node's availability back to active (after a drain); a node that is active, or gone, is done. */
  | { kind: 'swarm'; op: 'node-availability'; node: string; availability: 'active'; engine?: string }
  /** Swarm, through its manager: scale a service back to `replicas` (after a scale-down); a service that is gone is done. */
  | { kind: 'swarm'; op: 'scale-service'; service: string; replicas: number; engine?: string };

export type DockerUndoRecord = Extract<UndoRecord, { kind: 'docker' }>;
export type SwarmUndoRecord = Extract<UndoRecord, { kind: 'swarm' }>;
