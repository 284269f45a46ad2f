import type { ContainerSettings, ResolvedRelease, SwarmUpdateSettings } from '../driver.ts';
import { composeMounts, healthConfig } from '../docker/container-settings.ts';
import { containerPlaceholders } from '../docker/container-spec.ts';
import { CONTAINER_PORT, DATA_DIR, LABELS } from '../docker/docker-names.ts';
import { fillPlaceholders } from '../local/replica-process.ts';
import type { SwarmNames } from './swarm-names.ts';
import { DRILL_HEALTH_DEFAULTS, DRILL_RESTART_DELAY_MS, DRILL_ROLLBACK_DEFAULTS, SWARM_DEFAULTS, effectiveUpdate, updateConfig } from './update-settings.ts';

/** How each task's health is probed inside its container: busybox `wget` (cheap), or `node -e fetch` (any node image). */
export type HealthProbe = 'wget' | 'node';

export interface ServiceSpecInput {
  service: string;
  release: ResolvedRelease;
  names: SwarmNames;
  replicas: number;
  strategy: 'blue-green' | 'recreate';
  volume: string;
  /** `host:port` of each dependency as a task's container reaches it (its link proxy on the bridge gateway). */
  dependencies: Readonly<Record<string, string>>;
  probe: HealthProbe;
  update?: SwarmUpdateSettings;
  container?: ContainerSettings;
  /** Secret env of the service (its scenario's `secrets`): in the task spec, never in any output. */
  secretEnv?: Readonly<Record<string, string>>;
  /** Swarm's own update, rollback and restart defaults instead of the drill's (the bench compares them); the health check stays. */
  swarmDefaults?: boolean;
  stopGraceMs: number;
}

const NS_PER_MS = 1_000_000;

/**
 * A Swarm `ServiceSpec` for one release of a service: the image by ID (no registry lookup),
 * the manifest's command and env with placeholders filled, the service volume at /data,
 * the port published in host mode (a random host port per task; the routing mesh is not
 * used), a health check *in the spec* so Swarm itself judges each task, and an explicit
 * update and rollback config so Swarm itself rolls a failing update back.
 */
export function serviceSpec(input: ServiceSpecInput): Record<string, unknown> {
  const { release, names, service } = input;
  const port = input.container?.port ?? CONTAINER_PORT;
  const placeholders = containerPlaceholders(port, input.dependencies);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(release.manifest.env)) env[key] = fillPlaceholders(value, placeholders);
  Object.assign(env, input.secretEnv);
  env.DRILLBIT_RELEASE = release.digest;
  env.DRILLBIT_RUN_ID = names.runId;
  env.DRILLBIT_SERVICE = service;
  env.DRILLBIT_REPLICA = `${service}.{{.Task.Slot}}`;
  const labels = names.serviceLabels(service);
  const update = effectiveUpdate(input.update, input.strategy);
  const healthcheck = input.container?.healthcheck
    ? healthConfig(input.container.healthcheck)
    : healthConfig({ test: probeCommand(input.probe, port, release.manifest.health.path), ...DRILL_HEALTH_DEFAULTS });
  // Swarm's own update/rollback defaults (for the bench): only the failure action stays the scenario's, or nothing would roll back.
  const updateCfg = input.swarmDefaults ? updateConfig({ ...SWARM_DEFAULTS.update, failureAction: update.failureAction }, 'stop-first') : updateConfig(update, update.order);
  const rollbackCfg = input.swarmDefaults ? updateConfig(SWARM_DEFAULTS.rollback, 'stop-first') : updateConfig(DRILL_ROLLBACK_DEFAULTS, 'start-first');
  return {
    Name: names.service(service),
    Labels: { ...labels, [LABELS.releaseDigest]: release.digest },
    TaskTemplate: {
      ContainerSpec: {
        Image: release.image!.id,
        ...(input.container?.entrypoint ? { Command: input.container.entrypoint } : {}),
        Args: release.manifest.command.map((part) => fillPlaceholders(part, placeholders)),
        Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
        Labels: labels,
        Mounts: [{ Type: 'volume', Source: input.volume, Target: DATA_DIR }, ...composeMounts(input.container?.volumes, names)],
        Healthcheck: healthcheck,
        StopGracePeriod: input.stopGraceMs * NS_PER_MS,
        Init: true,
      },
      // A task that fails is replaced by the orchestrator after this delay (Swarm's default: 5 s).
      RestartPolicy: { Condition: 'any', Delay: (input.swarmDefaults ? SWARM_DEFAULTS.restartDelayMs : DRILL_RESTART_DELAY_MS) * NS_PER_MS, MaxAttempts: 0 },
    },
    Mode: { Replicated: { Replicas: input.replicas } },
    UpdateConfig: updateCfg,
    RollbackConfig: rollbackCfg,
    EndpointSpec: { Ports: [{ Protocol: 'tcp', TargetPort: port, PublishMode: 'host' }] },
  };
}

/**
 * The probe Swarm runs in each task. busybox's `wget` costs a fraction of a node start
 * (0.2 s vs 0.4–0.8 s per probe here); `-T` is left out because Debian's static busybox
 * 1.35 wget segfaults with it (exit 139) — the health check's own timeout bounds it.
 */
export function probeCommand(probe: HealthProbe, port: number, path: string): string[] {
  const url = `http://127.0.0.1:${port}${path}`;
  if (probe === 'wget') return ['CMD', 'wget', '-q', '-O', '/dev/null', url];
  return ['CMD', 'node', '-e', `fetch(${JSON.stringify(url)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`];
}
