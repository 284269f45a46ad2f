import { createHash } from 'node:crypto';

/** Every label Drillbit puts on what it creates; `drillbit clean` selects by `drillbit.run`, never by name. */
export const LABELS = {
  run: 'drillbit.run',
  workDir: 'drillbit.workdir',
  /** One attempt of a scenario (a hash of run id and work directory): what `down()` selects by. */
  attempt: 'drillbit.attempt',
  service: 'drillbit.service',
  replica: 'drillbit.replica',
  releaseDigest: 'drillbit.release.digest',
  releaseService: 'drillbit.release.service',
  releaseVersion: 'drillbit.release.version',
  base: 'drillbit.base',
  /** JSON of the manifest's command, env and health: an image built by Drillbit describes its own release. */
  command: 'drillbit.command',
  env: 'drillbit.env',
  health: 'drillbit.health',
  /** What a container that is not a replica is for (`fault-proxy`). */
  role: 'drillbit.role',
  /** sha256 of the fault proxy bundle and its base image: finds the fault proxy image again. */
  faultProxyHash: 'drillbit.fault-proxy.hash',
} as const;

/** The port a release listens on inside its container (`{port}`); published on 127.0.0.1 at a random host port. */
export const CONTAINER_PORT = 8080;
/** Where `{dataDir}` (the service's named volume) is mounted, and where `{bundle}` lives. */
export const DATA_DIR = '/data';
export const BUNDLE_DIR = '/app';

/**
 * Names of one attempt's resources, fixed before anything is created, so that a teardown
 * queued before a create can remove the thing by name even if the create's answer never
 * came. Parallel attempts of one run get different names (the key covers the work dir).
 */
export class AttemptNames {
  /** 10 hex digits of sha256(runId, workDir). */
  readonly key: string;
  readonly network: string;

  constructor(
    readonly runId: string,
    readonly workDir: string,
  ) {
    this.key = createHash('sha256').update(`${runId}\0${workDir}`).digest('hex').slice(0, 10);
    const attempt = createHash('sha256').update(workDir).digest('hex').slice(0, 6);
    this.network = `drillbit-${sanitize(runId).slice(0, 60)}-${attempt}`;
  }

  volume(service: string): string {
    return `drillbit-${this.key}-${sanitize(service)}-data`;
  }

  /** `drillbit-<key>-<replica id>`, e.g. `drillbit-3fa2c01b9e-shop-g2-0`. */
  container(replicaId: string): string {
    return `drillbit-${this.key}-${sanitize(replicaId)}`;
  }

  /** The labels every resource of the attempt carries. */
  labels(extra: Record<string, string> = {}): Record<string, string> {
    return { [LABELS.run]: this.runId, [LABELS.attempt]: this.key, [LABELS.workDir]: this.workDir, ...extra };
  }
}

/** Docker names allow `[a-zA-Z0-9][a-zA-Z0-9_.-]*`. */
export function sanitize(text: string): string {
  const cleaned = text.replace(/[^a-zA-Z0-9_.-]+/g, '-').replace(/^[^a-zA-Z0-9]+/, '');
  return cleaned || 'x';
}
