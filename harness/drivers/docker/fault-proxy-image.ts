import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type Docker from 'dockerode';
import tar from 'tar-stream';
import { DrillbitError, errorMessage } from '../../errors.ts';
import { followMessages, type DockerEngine } from './docker-engine.ts';
import { LABELS } from './docker-names.ts';

const ENTRY = fileURLToPath(new URL('./fault-proxy-main.ts', import.meta.url));
const PROJECT_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const EPOCH = new Date('2000-01-01T00:00:00Z');
/** Where the bundle lives in the image, and the admin API's port in the container. */
export const PROXY_BUNDLE_PATH = '/drillbit/proxy.mjs';
export const PROXY_ADMIN_PORT = 8474;
// esbuild's ESM output has no `require` for the CommonJS it bundles (undici): give it one.
const REQUIRE_BANNER = "import { createRequire as __drillbitCreateRequire } from 'node:module'; const require = __drillbitCreateRequire(import.meta.url);";

/**
 * The fault proxy's image: `drillbit proxy`'s library and a tiny main (fault-proxy-main.ts)
 * bundled into one file with esbuild (which ships with tsx), copied into an image built
 * `FROM` the base image ID. The bundle is deterministic (paths relative to the project
 * root), so a content hash of bundle and base is a label that finds the image again:
 * it is built once per engine, not per run.
 */
export class FaultProxyImages {
  private bundled: Promise<Buffer> | undefined;
  private readonly images = new Map<string, Promise<string>>();

  constructor(private readonly engine: DockerEngine) {}

  /** The image's ID for a base image, built when the engine has none with its hash. */
  image(baseImageId: string): Promise<string> {
    let image = this.images.get(baseImageId);
    if (!image) {
      image = this.findOrBuild(baseImageId);
      image.catch(() => this.images.delete(baseImageId));
      this.images.set(baseImageId, image);
    }
    return image;
  }

  private async findOrBuild(baseImageId: string): Promise<string> {
    this.bundled ??= bundleFaultProxy();
    const bundle = await this.bundled;
    const hash = createHash('sha256').update(bundle).update('\0').update(baseImageId).digest('hex');
    const existing = await this.engine.docker.listImages({ filters: { label: [`${LABELS.faultProxyHash}=${hash}`] } });
    const found = existing.map((i) => i.Id).sort()[0];
    if (found) return found;
    const tag = `drillbit/fault-proxy:${hash.slice(0, 12)}`;
    const context = await buildContext(baseImageId, bundle);
    const labels = { [LABELS.faultProxyHash]: hash, [LABELS.base]: baseImageId };
    const stream = await this.engine.docker.buildImage(context as unknown as NodeJS.ReadableStream, { t: tag, labels, rm: true, forcerm: true } as Docker.ImageBuildOptions);
    const messages = await followMessages(stream, 'docker build of the fault proxy image');
    const id = messages.map((m) => (m.aux as { ID?: string } | undefined)?.ID).find((x) => x !== undefined) ?? (await this.engine.inspectImage(tag))?.Id;
    if (!id) throw new DrillbitError('infrastructure', 'docker build of the fault proxy image reported no image ID');
    return id;
  }
}

/** `drillbit proxy` as one ESM file for node 20, dependencies included. */
export async function bundleFaultProxy(): Promise<Buffer> {
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch (error) {
    throw new DrillbitError('infrastructure', `the fault proxy container needs esbuild to bundle the proxy: ${errorMessage(error)}`, { hint: 'npm ci (esbuild comes with tsx), or use the host fault proxies (DockerDriverOptions.faultProxy: "host")' });
  }
  const result = await esbuild.build({
    entryPoints: [ENTRY],
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    legalComments: 'none',
    banner: { js: REQUIRE_BANNER },
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (!file) throw new DrillbitError('internal', 'esbuild produced no fault proxy bundle');
  return Buffer.from(file.contents);
}

async function buildContext(baseImageId: string, bundle: Buffer): Promise<Buffer> {
  const dockerfile = `FROM ${baseImageId}\nCOPY proxy.mjs ${PROXY_BUNDLE_PATH}\nEXPOSE ${PROXY_ADMIN_PORT}\nCMD ["node", "${PROXY_BUNDLE_PATH}"]\n`;
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (chunk) => void chunks.push(chunk as Buffer));
  const ended = new Promise<void>((resolve, reject) => {
    pack.on('end', () => resolve());
    pack.on('error', reject);
  });
  for (const [name, content] of [['Dockerfile', Buffer.from(dockerfile)], ['proxy.mjs', bundle]] as const) {
    await new Promise<void>((resolve, reject) => {
      pack.entry({ name, mode: 0o644, mtime: EPOCH, uid: 0, gid: 0, type: 'file' }, content, (error) => (error ? reject(error) : resolve()));
    });
  }
  pack.finalize();
  await ended;
  return Buffer.concat(chunks);
}
