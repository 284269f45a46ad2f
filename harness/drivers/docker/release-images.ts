import type Docker from 'dockerode';
import { configDigest, DIGEST_PATTERN } from '../../release/bundle-digest.ts';
import { displayPath, formatIssues } from '../../release/bundle-loader.ts';
import { releaseManifestSchema } from '../../release/release-manifest.ts';
import { DrillbitError } from '../../errors.ts';
import type { Digest, ResolvedRelease } from '../driver.ts';
import type { BaseImageSources } from './base-image.ts';
import { ensureBaseImage, type BaseImage } from './base-image-cache.ts';
import { releaseBuildContext, type ImageDefaults } from './build-context.ts';
import { fillPlaceholders } from '../local/replica-process.ts';
import { CONTAINER_PORT, LABELS } from './docker-names.ts';
import { containerPlaceholders } from './container-spec.ts';
import { followMessages, type DockerEngine } from './docker-engine.ts';

export interface ReleaseImage {
  id: string;
  tag?: string;
}

export interface ReleaseImagesOptions {
  /** Your own base image (`node:20-slim`), present in the engine; default: the host-built one (base-image.ts). */
  baseImage?: string;
  /** Where the host-built base image's files come from. */
  baseSources: BaseImageSources;
}

const IMAGE_HINT = 'a docker release is a bundle directory or an image in the local engine (`docker images`), e.g. myapp:1.2 or sha256:…';
/** Images of format 2 carry ENV and CMD (they run on their own); older ones, found by labels alone, would not. */
const IMAGE_FORMAT = { label: 'drillbit.image.format', value: '2' } as const;

/**
 * Releases as images: a bundle becomes an image `FROM` the base image ID with the bundle
 * at /app (built once per bundle digest and base, found again by its labels), and an image
 * reference is pinned to the image ID it names now.
 */
export class ReleaseImages {
  private readonly bases = new Map<string, Promise<BaseImage>>();
  private readonly builds = new Map<string, Promise<ReleaseImage>>();

  constructor(
    private readonly engine: DockerEngine,
    private readonly options: ReleaseImagesOptions,
  ) {}

  /** The base image's ID, loaded into the engine if it lacks it (once per store directory). */
  baseImage(storeDir: string): Promise<BaseImage> {
    let base = this.bases.get(storeDir);
    if (!base) {
      base = this.resolveBase(storeDir);
      base.catch(() => this.bases.delete(storeDir));
      this.bases.set(storeDir, base);
    }
    return base;
  }

  /** The image of a bundle release (resolved into the store): an existing one with its digest and base labels, or a new build. */
  forBundle(release: ResolvedRelease, storeDir: string): Promise<ReleaseImage> {
    const key = `${storeDir}\0${release.digest}`;
    let image = this.builds.get(key);
    if (!image) {
      image = this.baseImage(storeDir).then((base) => this.findOrBuild(release, base));
      image.catch(() => this.builds.delete(key));
      this.builds.set(key, image);
    }
    return image;
  }

  /**
   * An image already in the engine as a release, pinned to its ID. Its manifest comes from
   * its labels (`drillbit.command`, `drillbit.env`, `drillbit.health` as JSON,
   * `drillbit.release.*`) or, for the command, its CMD; its digest is its
   * `drillbit.release.digest` label, or else its image ID.
   */
  async fromImageRef(service: string, name: string, ref: string, triedPath?: string): Promise<ResolvedRelease> {
    const info = await this.engine.inspectImage(ref);
    if (!info) {
      const looksLikePath = triedPath !== undefined && !ref.includes(':') && !ref.includes('@');
      const message = looksLikePath
        ? `no release bundle at ${displayPath(triedPath)}, and no image "${ref}" in the local engine; no registry is reachable: build or load it first`
        : `image ${ref} not found locally; no registry is reachable: build or load it first`;
      throw new DrillbitError('bad-input', message, { hint: IMAGE_HINT });
    }
    const labels = info.Config?.Labels ?? {};
    const declared = labels[LABELS.releaseService];
    if (declared && declared !== service) {
      throw new DrillbitError('bad-input', `release "${name}" of service "${service}" (image ${ref}) is a release of service "${declared}" (label ${LABELS.releaseService})`, {
        hint: `point "${name}" at an image of "${service}", or fix its ${LABELS.releaseService} label`,
      });
    }
    const raw = {
      service,
      version: labels[LABELS.releaseVersion] || tagOf(ref) || info.Id.slice(7, 19),
      command: jsonLabel(labels, LABELS.command, ref) ?? info.Config?.Cmd ?? undefined,
      env: jsonLabel(labels, LABELS.env, ref) ?? {},
      health: jsonLabel(labels, LABELS.health, ref) ?? {},
    };
    const parsed = releaseManifestSchema.safeParse(raw);
    if (!parsed.success) {
      const problems = formatIssues(parsed.error.issues, raw, releaseManifestSchema).map((p) => `image ${ref}: ${p}`);
      throw new DrillbitError('bad-input', problems.join('\n'), { hint: `give the image a CMD, or labels ${LABELS.command} (JSON argv), ${LABELS.env} (JSON object), ${LABELS.health} (JSON {path, timeoutMs})` });
    }
    const manifest = parsed.data;
    const labelled = labels[LABELS.releaseDigest];
    const digest = (labelled && DIGEST_PATTERN.test(labelled) ? labelled : info.Id) as Digest;
    return {
      service,
      name,
      version: manifest.version,
      digest,
      configDigest: configDigest(manifest),
      source: ref,
      manifest,
      image: { id: info.Id, tag: ref === info.Id ? undefined : ref },
      ...(info.Created ? { createdAt: new Date(info.Created).toISOString() } : {}),
      labels,
    };
  }

  private async resolveBase(storeDir: string): Promise<BaseImage> {
    const own = this.options.baseImage;
    if (!own) return ensureBaseImage(this.engine, this.options.baseSources, storeDir);
    const info = await this.engine.inspectImage(own);
    if (!info) throw new DrillbitError('bad-input', `base image ${own} not found locally; no registry is reachable: build or load it first`, { hint: IMAGE_HINT });
    return { id: info.Id as BaseImage['id'], tag: own };
  }

  private async findOrBuild(release: ResolvedRelease, base: BaseImage): Promise<ReleaseImage> {
    const tag = `drillbit/${release.service.toLowerCase().replace(/[^a-z0-9._-]+/g, '-')}:${release.digest.slice(7, 19)}`;
    const existing = await this.engine.docker.listImages({ filters: { label: [`${LABELS.releaseDigest}=${release.digest}`, `${LABELS.base}=${base.id}`, `${IMAGE_FORMAT.label}=${IMAGE_FORMAT.value}`] } });
    const found = existing.sort((a, b) => a.Id.localeCompare(b.Id))[0];
    if (found) {
      // An image found by its labels may have lost its tag (`docker rmi` of the tag, or a prune);
      // tag it again so the release always has its readable name.
      if (!found.RepoTags?.includes(tag)) {
        const colon = tag.lastIndexOf(':');
        await this.engine.docker.getImage(found.Id).tag({ repo: tag.slice(0, colon), tag: tag.slice(colon + 1) });
      }
      return { id: found.Id, tag };
    }
    if (!release.storePath) throw new DrillbitError('internal', `release ${release.name} of ${release.service} has no store path to build an image from`);
    const { command, env, health } = release.manifest;
    const labels: Record<string, string> = {
      [LABELS.releaseDigest]: release.digest,
      [LABELS.releaseService]: release.service,
      [LABELS.releaseVersion]: release.version,
      [LABELS.base]: base.id,
      [LABELS.command]: JSON.stringify(command),
      [LABELS.env]: JSON.stringify(env),
      [LABELS.health]: JSON.stringify(health),
      [IMAGE_FORMAT.label]: IMAGE_FORMAT.value,
    };
    const stream = await this.engine.docker.buildImage((await releaseBuildContext(release.storePath, base.id, imageDefaults(release))) as unknown as NodeJS.ReadableStream, { t: tag, labels, rm: true, forcerm: true } as Docker.ImageBuildOptions);
    const messages = await followMessages(stream, `docker build of ${release.service} ${release.version} (${displayPath(release.source)})`);
    const id = messages.map((m) => (m.aux as { ID?: string } | undefined)?.ID).find((x) => x !== undefined) ?? (await this.engine.inspectImage(tag))?.Id;
    if (!id) throw new DrillbitError('infrastructure', `docker build of ${release.service} ${release.version} reported no image ID`);
    return { id, tag };
  }
}

/**
 * The command and env a release image runs with on its own (`docker run`, a compose file):
 * the manifest's, with the container's placeholder values (`{port}` 8080, `{host}` 0.0.0.0,
 * `{dataDir}` /data, `{bundle}` /app). A value that still names a dependency (`{url:stock}`)
 * is left out: whoever runs the image sets it (compose: `STOCK_URL: http://stock:8080`).
 */
function imageDefaults(release: ResolvedRelease): ImageDefaults {
  const values = containerPlaceholders(CONTAINER_PORT, {});
  const filled = (text: string) => {
    const result = fillPlaceholders(text, values);
    return /\{(?:url|addr):/.test(result) ? undefined : result;
  };
  const cmd = release.manifest.command.map(filled);
  const env = Object.entries(release.manifest.env).flatMap(([key, value]) => {
    const result = filled(value);
    return result === undefined ? [] : [[key, result] as const];
  });
  return { cmd: cmd.every((part) => part !== undefined) ? (cmd as string[]) : undefined, env: Object.fromEntries(env) };
}

function tagOf(ref: string): string | undefined {
  if (ref.startsWith('sha256:') || ref.includes('@')) return undefined;
  const colon = ref.lastIndexOf(':');
  return colon > ref.lastIndexOf('/') ? ref.slice(colon + 1) : undefined;
}

function jsonLabel(labels: Record<string, string>, key: string, ref: string): unknown {
  const text = labels[key];
  if (text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new DrillbitError('bad-input', `image ${ref}: label ${key} is not valid JSON: ${(error as Error).message}`, { hint: IMAGE_HINT });
  }
}
