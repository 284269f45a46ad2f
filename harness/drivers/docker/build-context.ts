import { readFile } from 'node:fs/promises';
import tar from 'tar-stream';
import { listBundleFiles } from '../../release/bundle-digest.ts';

const EPOCH = new Date('2000-01-01T00:00:00Z');

/** What `docker run <image>` does without Drillbit: the release's command and env with the container's defaults filled in. */
export interface ImageDefaults {
  cmd?: readonly string[];
  env?: Readonly<Record<string, string>>;
}

/**
 * The build context of a release image: a Dockerfile `FROM <base image ID>` that copies
 * the bundle to /app (plus `ENV` and `CMD` from `defaults`, so the image also runs on its
 * own, e.g. from a compose file), and the bundle's files (symlinks dereferenced, modes
 * 0755/0644 as the digest counts them) under `app/`, as one tar in memory (bundles are
 * small). The base is named by ID, so no registry is asked.
 */
export async function releaseBuildContext(bundleDir: string, baseImageId: string, defaults: ImageDefaults = {}): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (chunk) => void chunks.push(chunk as Buffer));
  const ended = new Promise<void>((resolve, reject) => {
    pack.on('end', () => resolve());
    pack.on('error', reject);
  });
  await add(pack, 'Dockerfile', Buffer.from(dockerfile(baseImageId, defaults)), 0o644);
  for (const file of await listBundleFiles(bundleDir)) {
    await add(pack, `app/${file.relativePath}`, await readFile(file.absolutePath), file.executable ? 0o755 : 0o644);
  }
  pack.finalize();
  await ended;
  return Buffer.concat(chunks);
}

function add(pack: tar.Pack, name: string, content: Buffer, mode: number): Promise<void> {
  return new Promise((resolve, reject) => {
    pack.entry({ name, mode, mtime: EPOCH, uid: 0, gid: 0, type: 'file' }, content, (error) => (error ? reject(error) : resolve()));
  });
}

function dockerfile(baseImageId: string, defaults: ImageDefaults): string {
  const lines = [`FROM ${baseImageId}`, 'COPY app/ /app/', 'WORKDIR /app'];
  const env = Object.entries(defaults.env ?? {});
  if (env.length) lines.push(`ENV ${env.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ')}`);
  if (defaults.cmd?.length) lines.push(`CMD ${JSON.stringify(defaults.cmd)}`);
  return `${lines.join('\n')}\n`;
}
