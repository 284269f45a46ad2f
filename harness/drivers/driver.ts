import type { Timeline } from '../runner/timeline.ts';
import type { TeardownStack } from '../runner/teardown-stack.ts';
import type { Logger } from '../runner/logger.ts';
import type { ReleaseManifest } from '../release/release-manifest.ts';
import type { NetworkFaultSurface, OrchestratorFaultSurface, ProcessFaultSurface } from './fault-surface.ts';

export type Digest = `sha256:${string}`;

/** A release ready to deploy: immutable, identified by its digest, never by a name or tag. */
export interface ResolvedRelease {
  service: string;
  /** The scenario's name for it (`good`, `bad`). */
  name: string;
  version: string;
  digest: Digest;
  /** Digest of the effective configuration (command, env, health), so config drift is visible. */
  configDigest: Digest;
  /** Where the user's artifact came from (bundle directory or image reference). */
  source: string;
  manifest: ReleaseManifest;
  /** Local driver: the read-only, content-addressed copy that replicas run from. */
  storePath?: string;
  /** Docker driver: the image the release runs as, pinned by ID (`sha256:…`); the tag is for people only. */
  image?: { id: string; tag?: string };
  /** Provenance: when the artifact was made (release.json `createdAt`, an image's `Created`), ISO. */
  createdAt?: string;
  /** Provenance: release.json `labels`, or an image's labels. */
  labels?: Record<string, string>;
}

export interface ServiceEnvironmentSpec {
  replicas: number;
  strategy: 'blue-green' | 'recreate';
  /** Services it calls: its releases reach them with `{url:<name>}` / `{addr:<name>}`. */
  dependsOn?: string[];
  /**
   * A dependency the environment starts itself when it comes up, with this one release
   * (a compose service the scenario does not deploy). Dependencies start before `up()`
   * resolves, in `dependsOn` order; no step deploys them.
   */
  startWith?: ResolvedRelease;
  /** How the service's containers are set up beyond the release (container drivers; from a compose file). */
  container?: ContainerSettings;
  /** Secret env of the service (its scenario's `secrets`, read at run start): given to every replica, never written to any output. */
  secretEnv?: Readonly<Record<string, string>>;
  /** The orchestrator's rolling update (scenario `services.<svc>.update`; swarm driver only, others refuse such scenarios). */
  update?: SwarmUpdateSettings;
}

/** How Swarm rolls a new release out, and what it does when a task fails during the update (`UpdateConfig`). */
export interface SwarmUpdateSettings {
  /** Tasks updated at once (0: all). */
  parallelism?: number;
  /** Pause between batches, ms. */
  delayMs?: number;
  /** `start-first` (new task healthy, then the old one stops) or `stop-first`. Default: from the strategy (blue-green: start-first). */
  order?: 'start-first' | 'stop-first';
  /** How long after each task's update a failure still counts, ms. */
  monitorMs?: number;
  /** What Swarm does when the update fails: `rollback` to the previous spec, `pause`, or `continue`. */
  failureAction?: 'rollback' | 'pause' | 'continue';
  /** Share of failed tasks tolerated before the failure action, 0..1. */
  maxFailureRatio?: number;
}

/** Container settings of a service that are not part of its releases (compose `healthcheck`, `volumes`, port). */
export interface ContainerSettings {
  /** The port the service listens on inside its container (`{port}`). Default 8080. */
  port?: number;
  /** The engine's health check of each container (compose `healthcheck`); Drillbit's own readiness stays the release's `health.path`. */
  healthcheck?: ContainerHealthcheck;
  /** Mounts besides `{dataDir}`: named volumes (one per attempt, shared by the services that name them), host paths, tmpfs. */
  volumes?: ContainerVolume[];
  /** Replaces the image's ENTRYPOINT (compose `entrypoint`). */
  entrypoint?: string[];
  /**
   * How a dependency the environment starts (`startWith`) is known to be ready: `healthcheck`
   * (the engine's health check says healthy), `http` (its release's `health.path` answers
   * 200), or `listening-port`. Default `http`.
   */
  readiness?: 'healthcheck' | 'http' | 'listening-port';
}

export interface ContainerHealthcheck {
  /** `["CMD", …]`, `["CMD-SHELL", "…"]`, or `["NONE"]` (disabled). */
  test: string[];
  intervalMs?: number;
  timeoutMs?: number;
  retries?: number;
  startPeriodMs?: number;
}

export interface ContainerVolume {
  type: 'volume' | 'bind' | 'tmpfs';
  /** The volume's name (per attempt on the engine) or the host path; none for tmpfs. */
  source?: string;
  target: string;
  readOnly?: boolean;
}

/** A scenario's environment source besides its services (`scenario.environment`), paths made absolute. */
export interface EnvironmentSource {
  /** The compose file. */
  compose: string;
}

/** Releases by service, then by the scenario's release name. */
export type ReleasesByService = ReadonlyMap<string, ReadonlyMap<string, ResolvedRelease>>;

/** What a driver makes of a scenario's environment source: the full environment, and its releases (changed and added). */
export interface ResolvedEnvironment {
  spec: EnvironmentSpec;
  releases: ReleasesByService;
  /** Things the person running the drill should know (a compose warning). */
  warnings: string[];
}

/** A network path that goes through a fault proxy of the run: a dependency, or the traffic (`from: 'client'`). */
export interface LinkSpec {
  from: string;
  to: string;
}

export interface EnvironmentSpec {
  services: Record<string, ServiceEnvironmentSpec>;
  /** Links to route through the run's fault proxies (network faults act on them). */
  links?: LinkSpec[];
  /**
   * Dependencies the environment does not run, by name: `host:port` (the scenario's
   * `external`). A service that lists one in `dependsOn` reaches it through a link proxy of
   * the run; nothing of it is started, observed or stopped.
   */
  external?: Record<string, string>;
  /**
   * Container drivers: where dependency links' fault proxies run — `host` (proxies in the
   * harness, on the network's gateway) or `container` (the fault proxy as a container on the
   * run's network). Default: the driver's own (docker: `host`). The local driver ignores it.
   */
  faultProxy?: 'host' | 'container';
}

/** The name of the traffic's side of a link. */
export const CLIENT = 'client';

export interface DriverContext {
  runId: string;
  /** This scenario attempt's own directory (data dirs, pid files, logs). */
  workDir: string;
  timeline: Timeline;
  teardown: TeardownStack;
  log: Logger;
  signal: AbortSignal;
  /** The run's seeded random source, for anything chancy the driver does (toxicity coins). */
  random?: () => number;
}

/**
 * Where an observation of a replica came from — what the release itself cannot rewrite —
 * or `unobservable` (results.json `lkg.<svc>.evidence`). An unobservable fact is never a
 * match and never drift: the check that needs it is unknown.
 */
export interface ObservationEvidence {
  /**
   * How `digest` was known: `launcher-cwd` (local: the working directory of the process
   * Drillbit launched — its init or `unshare`, pinned by pid and start time — which is the
   * release's store copy), `container-image` (docker, swarm: the image the engine says the
   * container runs), or `unobservable`.
   */
  release: 'launcher-cwd' | 'container-image' | 'unobservable';
  /**
   * How `configDigest` and `env` were known: `launcher-environ` (local: the environment of the
   * process Drillbit launched, which is what the release was started with, whatever it does to
   * its own), `container-config` (the engine's record of the container's Env and Cmd), or
   * `unobservable`.
   */
  config: 'launcher-environ' | 'container-config' | 'unobservable';
  /** Why something is unobservable, for the check's message. */
  reason?: string;
}

export interface ObservedReplica {
  id: string;
  /** Digest of the release the replica actually runs, read from the running process or container. */
  digest?: Digest;
  configDigest?: Digest;
  healthy: boolean;
  /** Whether the stable address routes traffic to this replica. */
  serving: boolean;
  pid?: number;
  /** Where this one replica answers directly (for per-replica scrapes such as `/metrics`). */
  address?: URL;
  /**
   * The values it really runs with for its release's env keys, a value equal to the
   * manifest's template (placeholders filled) shown as the template: what drift detection diffs.
   */
  env?: Record<string, string>;
  /** Where `digest` and `configDigest` came from (absent on a replica that is not running). */
  evidence?: ObservationEvidence;
}

/** What a replica's files really are, against the release it runs (drift detection). */
export interface ReplicaContent {
  replicaId: string;
  /** Paths inside the release that differ from it: edited, added or deleted. Empty: intact. */
  changed: string[];
}

export interface ObservedService {
  replicas: ObservedReplica[];
}

export interface Driver {
  readonly name: string;
  /** The driver rolls releases out through an orchestrator's own rolling update, which a scenario may configure (`services.<svc>.update`). */
  readonly orchestratedUpdates?: boolean;
  /** Readies the release store for this driver's replicas before any release is resolved; returns warnings for the person running the drill. */
  prepareStore?(storeDir: string): Promise<string[]>;
  /** Turns a scenario's release reference into an immutable release; bad references are bad input (exit 2). */
  resolveRelease(service: string, name: string, ref: string, baseDir: string, ctx: { storeDir: string }): Promise<ResolvedRelease>;
  up(env: EnvironmentSpec, ctx: DriverContext): Promise<StartedEnvironment>;
  /**
   * Container drivers: realizes `scenario.environment` (a compose file) before anything
   * starts — validates it, merges it with the scenario's services and releases, pins its
   * other services' images. A driver without it cannot run such scenarios. Bad files and
   * missing images are bad input (exit 2); no engine is infrastructure (exit 3).
   */
  /** What this driver cannot run in an environment, one line each, checked before anything starts (bad input, exit 2). */
  environmentProblems?(env: EnvironmentSpec): string[];
  resolveEnvironment?(base: EnvironmentSpec, source: EnvironmentSource, releases: ReleasesByService, ctx: { storeDir: string }): Promise<ResolvedEnvironment>;
}

export interface StartedEnvironment {
  /**
   * Rolls out a release. Blue/green: new replicas start and must pass health before the
   * stable address switches to them; the previous release stays warm. A release that does
   * not become healthy is rejected (DeployRejectedError) and, blue/green, the running release
   * keeps serving (recreate has stopped it first: the service answers 503 until a rollback).
   */
  deploy(service: string, release: ResolvedRelease): Promise<void>;
  /** Switches the service back to `to`: instant when it is still warm, a deploy otherwise. */
  rollback(service: string, to: ResolvedRelease): Promise<void>;
  /** What actually runs, per service and replica, measured rather than remembered. */
  observe(): Promise<Record<string, ObservedService>>;
  /** The stable address of a service, for traffic and checks; it survives deploys and rollbacks. */
  address(service: string): URL;
  /** Stops everything the environment started. Idempotent. */
  down(): Promise<void>;
  /**
   * Re-measures the files each serving replica of a service runs (local: re-hashes the store
   * copy it runs from; docker: the engine's diff of the container against its image). Costly:
   * drift detection calls it, the fast `observe()` loop does not.
   */
  inspectContent?(service: string): Promise<ReplicaContent[]>;
  /** Process, resource and HTTP faults, where the driver supports them. */
  readonly processFaults?: ProcessFaultSurface;
  /** Network faults on the run's fault proxies, where the driver routes links through them. */
  readonly networkFaults?: NetworkFaultSurface;
  /** An orchestrator's node and scale faults (swarm). */
  readonly orchestratorFaults?: OrchestratorFaultSurface;
}
