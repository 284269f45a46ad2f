import { existsSync } from 'node:fs';
import type { Driver, DriverContext, EnvironmentSource, EnvironmentSpec, ReleasesByService, ResolvedEnvironment, ResolvedRelease } from '../driver.ts';
import { baseExtrasFromEnvironment, DockerDriver, type DockerDriverOptions } from '../docker/docker-driver.ts';
import { dockerFromEnvironment } from '../docker/docker-engine.ts';
import type { HealthProbe } from './service-spec.ts';
import { bridgeGateway, requireSwarmManager } from './swarm-manager.ts';
import { SwarmEnvironment } from './swarm-environment.ts';
import { serviceNameClashes } from './swarm-names.ts';

export interface SwarmDriverOptions extends Pick<DockerDriverOptions, 'engine' | 'baseImage' | 'nodeBinary' | 'busybox' | 'baseExtras'> {
  /** How Swarm probes each task's health: busybox `wget`, or `node -e fetch`. Default `wget` with the host-built base and busybox, else `node`. */
  probe?: HealthProbe;
  /** Swarm's own update/rollback/health-check defaults instead of the drill's (the bench compares them). Default false. */
  swarmDefaults?: boolean;
  /** How often each service's tasks are polled, ms. Default 150. */
  pollMs?: number;
}

/**
 * Docker Swarm mode: releases are images pinned by ID (built as the docker driver builds
 * them), services are Swarm services rolled out by Swarm's own rolling update, with a
 * health check and an update config in their spec, so Swarm itself decides to roll back.
 */
export class SwarmDriver implements Driver {
  readonly name = 'swarm';
  readonly orchestratedUpdates = true;
  private readonly docker: DockerDriver;
  private readonly probe: HealthProbe;

  constructor(private readonly options: SwarmDriverOptions = {}) {
    const busybox = options.busybox ?? (existsSync('/bin/busybox') ? '/bin/busybox' : undefined);
    this.docker = new DockerDriver({ ...options, busybox });
    this.probe = options.probe ?? (busybox && !options.baseImage ? 'wget' : 'node');
  }

  /** What the CLI's registry calls: the engine `DOCKER_HOST` names (default the system socket), which must be a swarm manager. */
  static fromEnvironment(env: Readonly<Record<string, string | undefined>>, options: Omit<SwarmDriverOptions, 'engine'> = {}): SwarmDriver {
    return new SwarmDriver({ baseExtras: baseExtrasFromEnvironment(env), ...options, engine: dockerFromEnvironment(env) });
  }

  get engine() {
    return this.docker.engine;
  }

  /** As the docker driver (bundle → image by ID, or an image reference), once the engine is known to be a swarm manager. */
  async resolveRelease(service: string, name: string, ref: string, baseDir: string, ctx: { storeDir: string }): Promise<ResolvedRelease> {
    await requireSwarmManager(this.engine);
    return this.docker.resolveRelease(service, name, ref, baseDir, ctx);
  }

  /** A compose file (`environment.compose`), read as the docker driver reads it: its other services become Swarm services of their image. */
  async resolveEnvironment(base: EnvironmentSpec, source: EnvironmentSource, releases: ReleasesByService): Promise<ResolvedEnvironment> {
    await requireSwarmManager(this.engine);
    return this.docker.resolveEnvironment(base, source, releases);
  }

  /** Checked before anything starts (exit 2): scenario services that would share one swarm service name. */
  environmentProblems(env: EnvironmentSpec): string[] {
    return serviceNameClashes(Object.keys(env.services));
  }

  async up(env: EnvironmentSpec, ctx: DriverContext): Promise<SwarmEnvironment> {
    await requireSwarmManager(this.engine);
    const gateway = await bridgeGateway(this.engine);
    return SwarmEnvironment.start(env, ctx, { engine: this.engine, probe: this.probe, gateway, swarmDefaults: this.options.swarmDefaults, pollMs: this.options.pollMs });
  }
}
