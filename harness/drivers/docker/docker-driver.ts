import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { DrillbitError } from '../../errors.ts';
import { displayPath } from '../../release/bundle-loader.ts';
import { resolveLocalRelease } from '../../release/local-release-resolver.ts';
import type { Driver, DriverContext, EnvironmentSource, EnvironmentSpec, ReleasesByService, ResolvedEnvironment, ResolvedRelease } from '../driver.ts';
import { resolveComposeEnvironment } from './compose-environment.ts';
import { DEFAULT_COMPOSE_COMMAND, loadComposeStack } from './compose-file.ts';
import { DockerEngine, dockerFromEnvironment, type DockerEndpoint } from './docker-engine.ts';
import { DockerEnvironment } from './docker-environment.ts';
import { FaultProxyImages } from './fault-proxy-image.ts';
import { ReleaseImages } from './release-images.ts';

export interface DockerDriverOptions {
  /** The engine to use. Default: the system socket (`unix:///var/run/docker.sock`); the CLI passes `dockerFromEnvironment(env)`. */
  engine?: DockerEndpoint;
  /** Your own base image for bundle releases (`node:20-slim`), present in the engine. Default: one built from this host's node (base-image.ts). */
  baseImage?: string;
  /** The node binary the host-built base image carries. Default `process.execPath`. */
  nodeBinary?: string;
  /** A static busybox for a shell in the host-built base image. Default `/bin/busybox` when it exists. */
  busybox?: string;
  /**
   * Host paths the host-built base image also carries, at the same paths, for bundles that run
   * host programs (`['/usr/sbin/nginx', '/etc/nginx/mime.types', '/usr/bin/python3', '/usr/lib/python3.11']`):
   * files, directories, symlinks and the libraries `ldd` lists for each ELF file. Default none;
   * the CLI takes `DRILLBIT_DOCKER_BASE_EXTRAS` (`:`-separated). Not with `baseImage`.
   */
  baseExtras?: readonly string[];
  /** `docker stop -t` when the driver stops a container, in seconds. Default 2. */
  stopTimeoutSeconds?: number;
  /** The compose tool that reads a scenario's compose file (`config`). Default `['docker-compose']`; `['docker', 'compose']` for v2. */
  composeCommand?: readonly string[];
  /**
   * Where dependency links' fault proxies run when the scenario does not say
   * (`faultProxy`): `host` (proxies in the harness on the network's gateway) or `container`
   * (the fault proxy as a container on the run's network, built from the base image). The
   * traffic's link is on the host either way. Default `host`; the CLI takes
   * `DRILLBIT_DOCKER_FAULT_PROXY`.
   */
  faultProxy?: 'container' | 'host';
}

const IMAGE_REF_RE = /^[A-Za-z0-9][A-Za-z0-9._\-/:@]*$/;

/**
 * Releases as images pinned by ID, replicas as containers on a per-attempt network behind
 * host front proxies: the `local` driver's semantics on a real Docker engine.
 */
export class DockerDriver implements Driver {
  readonly name = 'docker';
  readonly engine: DockerEngine;
  private readonly images: ReleaseImages;
  private readonly proxyImages: FaultProxyImages;
  /** The store the last release was resolved into: where the base image's ID is cached. */
  private storeDir: string | undefined;

  constructor(private readonly options: DockerDriverOptions = {}) {
    this.engine = new DockerEngine(options.engine ?? dockerFromEnvironment({}));
    const busybox = options.busybox ?? (existsSync('/bin/busybox') ? '/bin/busybox' : undefined);
    if (options.baseImage && options.baseExtras?.length) {
      throw new DrillbitError('bad-input', `base image extras (${options.baseExtras.join(':')}) are for the host-built base image, not for ${options.baseImage}`, {
        hint: 'put those programs in your own base image, or drop DRILLBIT_DOCKER_BASE_EXTRAS',
      });
    }
    this.images = new ReleaseImages(this.engine, { baseImage: options.baseImage, baseSources: { node: options.nodeBinary ?? process.execPath, busybox, extras: options.baseExtras } });
    this.proxyImages = new FaultProxyImages(this.engine);
  }

  /** What the CLI's registry calls: the engine `DOCKER_HOST` names (default the system socket). */
  static fromEnvironment(env: Readonly<Record<string, string | undefined>>, options: Omit<DockerDriverOptions, 'engine'> = {}): DockerDriver {
    const faultProxy = env.DRILLBIT_DOCKER_FAULT_PROXY?.trim() || undefined;
    if (faultProxy !== undefined && faultProxy !== 'container' && faultProxy !== 'host') {
      throw new DrillbitError('bad-input', `DRILLBIT_DOCKER_FAULT_PROXY must be "container" or "host", got ${JSON.stringify(faultProxy)}`);
    }
    return new DockerDriver({ faultProxy, baseExtras: baseExtrasFromEnvironment(env), ...options, engine: dockerFromEnvironment(env) });
  }

  /**
   * A bundle directory becomes an image built `FROM` the base image ID (reused when one
   * with its digest and base exists); anything else is taken as an image reference in the
   * engine (`myapp:1.2`, `sha256:…`) and pinned to its ID. No engine: an infrastructure error.
   */
  async resolveRelease(service: string, name: string, ref: string, baseDir: string, ctx: { storeDir: string }): Promise<ResolvedRelease> {
    await this.engine.ready();
    this.storeDir = ctx.storeDir;
    const path = isAbsolute(ref) ? ref : resolve(baseDir, ref);
    if (await isDirectory(path)) {
      const release = await resolveLocalRelease(service, name, path, baseDir, ctx);
      return { ...release, image: await this.images.forBundle(release, ctx.storeDir) };
    }
    const imageRef = imageRefOf(ref, baseDir);
    if (!imageRef) {
      throw new DrillbitError('bad-input', `release bundle not found: ${displayPath(path)}`, { hint: 'a docker release is a bundle directory holding a release.json, or an image in the local engine (myapp:1.2, sha256:…)' });
    }
    return this.images.fromImageRef(service, name, imageRef, path);
  }

  /**
   * A scenario's compose file (`environment.compose`), read by the compose tool and merged
   * with the scenario: see compose-environment.ts. No engine: an infrastructure error.
   */
  async resolveEnvironment(base: EnvironmentSpec, source: EnvironmentSource, releases: ReleasesByService): Promise<ResolvedEnvironment> {
    await this.engine.ready();
    const stack = await loadComposeStack(source.compose, this.options.composeCommand ?? DEFAULT_COMPOSE_COMMAND);
    return resolveComposeEnvironment(base, stack, releases, this.engine);
  }

  async up(env: EnvironmentSpec, ctx: DriverContext): Promise<DockerEnvironment> {
    return DockerEnvironment.start(env, ctx, { engine: this.engine, stopTimeoutSeconds: this.options.stopTimeoutSeconds, faultProxyImage: this.faultProxyImage(env, ctx) });
  }
  /**
   * The fault proxy image, when dependency links go through the proxy container: built (or
   * found by its hash label) from now, in parallel with the network and volumes.
   */
  private faultProxyImage(env: EnvironmentSpec, ctx: DriverContext): (() => Promise<string>) | undefined {
    if ((env.faultProxy ?? this.options.faultProxy ?? 'host') !== 'container') return undefined;
    if (!Object.values(env.services).some((s) => (s.dependsOn ?? []).length > 0)) return undefined;
    const image = this.images.baseImage(this.storeDir ?? ctx.workDir).then((base) => this.proxyImages.image(base.id));
    image.catch(() => undefined); // awaited when the links start; an environment that fails first must not leave it unhandled
    return () => image;
  }

}

/** `DRILLBIT_DOCKER_BASE_EXTRAS`: host paths for the host-built base image, `:`-separated (as PATH). */
export function baseExtrasFromEnvironment(env: Readonly<Record<string, string | undefined>>): string[] | undefined {
  const paths = (env.DRILLBIT_DOCKER_BASE_EXTRAS ?? '').split(':').map((p) => p.trim()).filter(Boolean);
  const relative = paths.filter((p) => !isAbsolute(p));
  if (relative.length) {
    throw new DrillbitError('bad-input', `DRILLBIT_DOCKER_BASE_EXTRAS: ${relative.map((p) => JSON.stringify(p)).join(', ')} ${relative.length === 1 ? 'is not an absolute path' : 'are not absolute paths'}`, {
      hint: 'name host paths, absolute, separated by ":" (DRILLBIT_DOCKER_BASE_EXTRAS=/usr/sbin/nginx:/etc/nginx/mime.types)',
    });
  }
  return paths.length ? paths : undefined;
}

/**
 * The image reference a scenario wrote. The scenario loader turns every relative
 * reference into a path under the project root, so `myapp:1.2` arrives as
 * `<root>/myapp:1.2`: the part below `baseDir` is the reference.
 */
function imageRefOf(ref: string, baseDir: string): string | undefined {
  const candidate = isAbsolute(ref) ? relative(baseDir, ref) : ref;
  if (!candidate || candidate.startsWith('..') || isAbsolute(candidate)) return undefined;
  return IMAGE_REF_RE.test(candidate) && !candidate.includes('//') ? candidate : undefined;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
