import { configDigest, DIGEST_PATTERN } from '../../release/bundle-digest.ts';
import type { ReleaseManifest } from '../../release/release-manifest.ts';
import type { Digest, ObservedReplica } from '../driver.ts';
import { fillPlaceholders } from '../local/replica-process.ts';
import type { ContainerReplica } from './container-replica.ts';
import type { DockerEngine } from './docker-engine.ts';
import { LABELS } from './docker-names.ts';

const HEALTH_TIMEOUT_MS = 1000;

/**
 * What one container really is right now, asked of the engine: the digest of the image it
 * runs (the image's `drillbit.release.digest` label, else its image ID — never what the
 * driver meant to deploy), its config digest from its actual Cmd and Env, its published
 * address, and a live health GET. Labels of an image ID are immutable, so they are cached.
 */
export class ContainerObserver {
  private readonly imageLabels = new Map<string, Promise<Record<string, string>>>();

  constructor(private readonly engine: DockerEngine) {}

  async observe(replica: ContainerReplica, serving: boolean): Promise<ObservedReplica> {
    const down: ObservedReplica = { id: replica.id, pid: replica.pid, healthy: false, serving: false };
    if (!replica.containerId) return down;
    const info = await this.engine.inspectContainer(replica.containerId);
    if (!info?.State.Running) return down;
    const binding = info.NetworkSettings.Ports?.[`${replica.containerPort}/tcp`]?.[0];
    const port = binding ? Number(binding.HostPort) : undefined;
    const [healthy, labels] = await Promise.all([
      // A paused container holds the GET until the timeout: it is not healthy, and saying so needs no wait.
      info.State.Paused ? false : replica.isHealthy(HEALTH_TIMEOUT_MS),
      this.labelsOf(info.Image),
    ]);
    const labelled = labels[LABELS.releaseDigest];
    return {
      id: replica.id,
      pid: info.State.Pid || undefined,
      healthy: healthy && replica.alive,
      serving: serving && replica.alive,
      digest: (labelled && DIGEST_PATTERN.test(labelled) ? labelled : info.Image) as Digest,
      configDigest: measuredConfigDigest(replica.release.manifest, replica.placeholders(), info.Config.Env ?? [], info.Config.Cmd ?? []),
      env: measuredEnv(replica.release.manifest, replica.placeholders(), info.Config.Env ?? []),
      address: port ? new URL(`http://127.0.0.1:${port}`) : undefined,
      evidence: { release: 'container-image', config: 'container-config' },
    };
  }

  private labelsOf(imageId: string): Promise<Record<string, string>> {
    let labels = this.imageLabels.get(imageId);
    if (!labels) {
      labels = this.engine.inspectImage(imageId).then((info) => info?.Config?.Labels ?? {});
      labels.catch(() => this.imageLabels.delete(imageId));
      this.imageLabels.set(imageId, labels);
    }
    return labels;
  }
}

/**
 * The config digest recomputed from what the container really has: for each of the
 * manifest's env keys, a value equal to the template with this replica's placeholders
 * filled counts as the template, anything else (or a missing key) changes the digest;
 * the same for the command against the container's Cmd.
 */
export function measuredConfigDigest(manifest: ReleaseManifest, placeholders: Readonly<Record<string, string>>, actualEnv: readonly string[], actualCmd: readonly string[]): Digest {
  const env = measuredEnv(manifest, placeholders, actualEnv);
  const filled = manifest.command.map((part) => fillPlaceholders(part, placeholders));
  const command = filled.length === actualCmd.length && filled.every((part, i) => part === actualCmd[i]) ? manifest.command : [...actualCmd];
  return configDigest({ command, env, health: manifest.health });
}

/** The container's values for the manifest's env keys; one equal to its filled template is shown as the template. */
export function measuredEnv(manifest: ReleaseManifest, placeholders: Readonly<Record<string, string>>, actualEnv: readonly string[]): Record<string, string> {
  const environ = new Map<string, string>();
  for (const entry of actualEnv) {
    const eq = entry.indexOf('=');
    if (eq > 0) environ.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  const env: Record<string, string> = {};
  for (const [key, template] of Object.entries(manifest.env)) {
    const actual = environ.get(key);
    if (actual === undefined) continue;
    env[key] = actual === fillPlaceholders(template, placeholders) ? template : actual;
  }
  return env;
}
