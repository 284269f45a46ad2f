import { DrillbitError } from '../../errors.ts';
import { configDigest, DIGEST_PATTERN } from '../../release/bundle-digest.ts';
import { formatIssues } from '../../release/bundle-loader.ts';
import { releaseManifestSchema } from '../../release/release-manifest.ts';
import type { Digest, ResolvedRelease } from '../driver.ts';
import type { ComposeService } from './compose-stack.ts';
import type { DockerEngine } from './docker-engine.ts';
import { LABELS } from './docker-names.ts';

/** The release name of a compose dependency: its compose image. */
export const COMPOSE_RELEASE = 'compose';

/** A dependency whose image declares no health: what its HTTP checks (observe, a restart) ask. */
const UNDECLARED_HEALTH = { path: '/healthz', timeoutMs: 30_000, intervalMs: 100 };

/** The labels of an image (empty when it has none or is gone). */
export async function imageLabels(engine: DockerEngine, ref: string): Promise<Record<string, string>> {
  return (await engine.inspectImage(ref))?.Config?.Labels ?? {};
}

/**
 * The one release of a compose dependency: its image, pinned to the ID the engine has for
 * it now. The manifest is the image's own (Drillbit's `drillbit.*` labels when it has them,
 * else its CMD) under the compose service's command and environment. Its digest is the
 * image's `drillbit.release.digest` label (an image built from a bundle is that bundle's
 * release), else its image ID. Not in the engine: bad input naming the image.
 */
export async function composeDependencyRelease(service: ComposeService, image: string, environment: Record<string, string>, engine: DockerEngine): Promise<{ release: ResolvedRelease; healthDeclared: boolean }> {
  const info = await engine.inspectImage(image);
  if (!info) {
    const fixtures = image.startsWith('drillbit/') ? ' (`npx drillbit images build` builds and tags the fixture images)' : '';
    throw new DrillbitError('bad-input', `image ${image} not found locally; no registry is reachable: build or load it first${fixtures}`);
  }
  const labels = info.Config?.Labels ?? {};
  const health = jsonLabel(labels, LABELS.health, image);
  const labelledEnv = jsonLabel(labels, LABELS.env, image);
  const raw = {
    service: service.name,
    version: labels[LABELS.releaseVersion] || tagOf(image) || info.Id.slice(7, 19),
    command: service.command ?? jsonLabel(labels, LABELS.command, image) ?? info.Config?.Cmd ?? undefined,
    env: { ...(isRecord(labelledEnv) ? labelledEnv : {}), ...environment },
    health: isRecord(health) ? health : UNDECLARED_HEALTH,
  };
  const parsed = releaseManifestSchema.safeParse(raw);
  if (!parsed.success) throw new DrillbitError('bad-input', formatIssues(parsed.error.issues, raw, releaseManifestSchema).map((p) => `image ${image}: ${p}`).join('; '));
  const manifest = parsed.data;
  const labelled = labels[LABELS.releaseDigest];
  const release: ResolvedRelease = {
    service: service.name,
    name: COMPOSE_RELEASE,
    version: manifest.version,
    digest: (labelled && DIGEST_PATTERN.test(labelled) ? labelled : info.Id) as Digest,
    configDigest: configDigest(manifest),
    source: image,
    manifest,
    image: { id: info.Id, tag: image },
  };
  return { release, healthDeclared: isRecord(health) };
}

function tagOf(ref: string): string | undefined {
  if (ref.includes('@')) return undefined;
  const colon = ref.lastIndexOf(':');
  return colon > ref.lastIndexOf('/') ? ref.slice(colon + 1) : 'latest';
}

function jsonLabel(labels: Record<string, string>, key: string, image: string): unknown {
  const text = labels[key];
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new DrillbitError('bad-input', `image ${image}: label ${key} is not valid JSON: ${(error as Error).message}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
