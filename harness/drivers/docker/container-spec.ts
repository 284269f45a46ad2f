import type Docker from 'dockerode';
import type { ContainerSettings, ResolvedRelease } from '../driver.ts';
import { fillPlaceholders } from '../local/replica-process.ts';
import { composeMounts, healthConfig } from './container-settings.ts';
import { BUNDLE_DIR, CONTAINER_PORT, DATA_DIR, LABELS, type AttemptNames } from './docker-names.ts';

export interface ContainerSpecInput {
  /** The replica's slot, `shop-g2-0`. */
  replicaId: string;
  service: string;
  release: ResolvedRelease;
  names: AttemptNames;
  /** The service's named volume, mounted at /data. */
  volume: string;
  /** `host:port` of each dependency as a container reaches it. */
  dependencies: Readonly<Record<string, string>>;
  stopTimeoutSeconds: number;
  /** The service's settings beyond the release (a compose file's port, healthcheck, volumes, entrypoint). */
  container?: ContainerSettings;
  /** Secret env of the service (its scenario's `secrets`, read at run start): given to every replica, never written to any output. */
  secretEnv?: Readonly<Record<string, string>>;
}

/** What one replica's container runs, as the engine is asked to create it. */
export interface ContainerSpec {
  placeholders: Readonly<Record<string, string>>;
  /** The port it listens on inside the container (`{port}`), published on 127.0.0.1. */
  port: number;
  cmd: readonly string[];
  env: Readonly<Record<string, string>>;
  create: Docker.ContainerCreateOptions;
}

/**
 * `{host}` 0.0.0.0, `{port}` 8080, `{dataDir}` /data, `{bundle}` /app, `{url:<dep>}` and
 * `{addr:<dep>}` the dependency's link proxy; the manifest's command and env with those
 * filled in, plus DRILLBIT_*; the image by ID, `Init: true` (stop in milliseconds, not
 * the grace), the volume, 8080 published on 127.0.0.1 at a random host port, the labels.
 */
export function containerSpec(input: ContainerSpecInput): ContainerSpec {
  const { release, names, service, replicaId } = input;
  const port = input.container?.port ?? CONTAINER_PORT;
  const placeholders = containerPlaceholders(port, input.dependencies);
  const cmd = release.manifest.command.map((part) => fillPlaceholders(part, placeholders));
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(release.manifest.env)) env[key] = fillPlaceholders(value, placeholders);
  Object.assign(env, input.secretEnv);
  env.DRILLBIT_RELEASE = release.digest;
  env.DRILLBIT_RUN_ID = names.runId;
  env.DRILLBIT_SERVICE = service;
  env.DRILLBIT_REPLICA = replicaId;
  const create: Docker.ContainerCreateOptions = {
    name: names.container(replicaId),
    Image: release.image!.id,
    Cmd: [...cmd],
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    Labels: names.labels({ [LABELS.service]: service, [LABELS.replica]: replicaId, [LABELS.releaseDigest]: release.digest }),
    ExposedPorts: { [`${port}/tcp`]: {} },
    StopTimeout: input.stopTimeoutSeconds,
    HostConfig: {
      Init: true,
      NetworkMode: names.network,
      PortBindings: { [`${port}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: '' }] },
      Mounts: [{ Type: 'volume', Source: input.volume, Target: DATA_DIR }, ...composeMounts(input.container?.volumes, names)],
      RestartPolicy: { Name: 'no' },
    },
  };
  if (input.container?.healthcheck) create.Healthcheck = healthConfig(input.container.healthcheck);
  if (input.container?.entrypoint) create.Entrypoint = input.container.entrypoint;
  return { placeholders, port, cmd, env, create };
}

/** The placeholders a container's command and env get: `{host}` 0.0.0.0, `{port}`, `{dataDir}` /data, `{bundle}` /app, `{url:<dep>}` and `{addr:<dep>}` its links. */
export function containerPlaceholders(port: number, dependencies: Readonly<Record<string, string>>): Record<string, string> {
  const placeholders: Record<string, string> = { host: '0.0.0.0', port: String(port), dataDir: DATA_DIR, bundle: BUNDLE_DIR };
  for (const [dep, hostPort] of Object.entries(dependencies)) {
    placeholders[`url:${dep}`] = `http://${hostPort}`;
    placeholders[`addr:${dep}`] = hostPort;
  }
  return placeholders;
}
