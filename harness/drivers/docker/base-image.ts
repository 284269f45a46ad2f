import { createHash } from 'node:crypto';
import { readFile, realpath, stat } from 'node:fs/promises';
import tar from 'tar-stream';
import { hostPathEntries, linkedLibraries, type RootfsEntry } from './host-path-entries.ts';

/** Where the base image's files come from on this host. */
export interface BaseImageSources {
  /** The host's node binary (its libraries come with it, from `ldd`). */
  node: string;
  /** A static busybox for a shell in the image (wait strategies, exec); skipped when absent. */
  busybox?: string;
  /**
   * Host paths copied in at the same paths, for releases that run host programs rather than
   * node (`/usr/sbin/nginx`, `/usr/bin/python3`, `/usr/lib/python3.11`, `/etc/nginx/mime.types`):
   * files, directories with everything under them, symlinks with what they point to; every
   * ELF file brings the libraries `ldd` lists (host-path-entries.ts). Default none.
   */
  extras?: readonly string[];
}

export interface BaseImageArchive {
  /** A `docker save`-format archive; `docker load` gives the same image ID every time. */
  archive: Buffer;
  imageId: `sha256:${string}`;
  tag: string;
}

type Entry = RootfsEntry;

/** Every entry's time, so the layer (and so the image ID) depends on content only. */
const EPOCH = new Date('2000-01-01T00:00:00Z');
const BUSYBOX_APPLETS = ['sh', 'wget', 'nc', 'cat', 'ls', 'sleep', 'ps', 'kill'];

/**
 * A base image with no registry: the host's node binary, the libraries it links, a user
 * database, /tmp and (when the host has Debian's busybox-static) a shell — packed as a
 * deterministic docker-archive with a fixed creation date, so loading it twice on any
 * machine with the same node gives the same image ID (`docker import` would not).
 */
export async function buildBaseImageArchive(sources: BaseImageSources, tag: string): Promise<BaseImageArchive> {
  const entries = await rootfsEntries(sources);
  const layer = await packTar(entries);
  const diffId = `sha256:${sha256(layer)}`;
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      created: EPOCH.toISOString(),
      config: { Env: ['PATH=/usr/local/bin:/usr/bin:/bin'], Cmd: ['node'], WorkingDir: '/', Labels: baseLabels(sources) },
      rootfs: { type: 'layers', diff_ids: [diffId] },
      history: [{ created: EPOCH.toISOString(), created_by: 'drillbit base image (host node + its libraries)' }],
    }),
  );
  const configId = sha256(config);
  const manifest = Buffer.from(JSON.stringify([{ Config: `${configId}.json`, RepoTags: [tag], Layers: [`${diffId.slice(7)}/layer.tar`] }]));
  const archive = await packTar([
    { path: `${configId}.json`, content: config, mode: 0o644, type: 'file' },
    { path: `${diffId.slice(7)}/`, mode: 0o755, type: 'directory' },
    { path: `${diffId.slice(7)}/layer.tar`, content: layer, mode: 0o644, type: 'file' },
    { path: 'manifest.json', content: manifest, mode: 0o644, type: 'file' },
  ]);
  return { archive, imageId: `sha256:${configId}`, tag };
}

async function rootfsEntries(sources: BaseImageSources): Promise<Entry[]> {
  const node = await realpath(sources.node);
  const files = new Map<string, Entry>();
  const addFile = async (inImage: string, onHost: string) => {
    const info = await stat(onHost);
    files.set(inImage, { path: inImage, content: await readFile(onHost), mode: info.mode & 0o7777, type: 'file' });
  };
  await addFile('usr/local/bin/node', node);
  for (const lib of await linkedLibraries(node)) await addFile(lib.slice(1), await realpath(lib));
  if (sources.busybox) {
    await addFile('bin/busybox', sources.busybox);
    for (const applet of BUSYBOX_APPLETS) files.set(`bin/${applet}`, { path: `bin/${applet}`, type: 'symlink', linkname: 'busybox', mode: 0o777 });
  }
  for (const entry of await hostPathEntries(sources.extras ?? [])) files.set(entry.path, entry);
  files.set('etc/passwd', { path: 'etc/passwd', type: 'file', mode: 0o644, content: Buffer.from('root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000:node:/home/node:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n') });
  files.set('etc/group', { path: 'etc/group', type: 'file', mode: 0o644, content: Buffer.from('root:x:0:\nnode:x:1000:\nnogroup:x:65534:\n') });
  const dirs: Entry[] = [...directoriesOf([...files.keys()]), 'tmp', 'root', 'home/node', 'data', 'app'].map((d) => ({ path: `${d}/`, type: 'directory', mode: d === 'tmp' ? 0o1777 : 0o755 }));
  return [...dedupe(dirs), ...files.values()].sort((a, b) => a.path.localeCompare(b.path));
}

/** The image's labels: the host paths it carries besides node, when there are any (the default base keeps its ID). */
function baseLabels(sources: BaseImageSources): Record<string, string> {
  const extras = sources.extras ?? [];
  return extras.length ? { 'drillbit.base': 'node', 'drillbit.base.extras': extras.join(':') } : { 'drillbit.base': 'node' };
}

function directoriesOf(paths: string[]): string[] {
  const dirs = new Set<string>();
  for (const path of paths) {
    const parts = path.split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  return [...dirs];
}

function dedupe(entries: Entry[]): Entry[] {
  return [...new Map(entries.map((e) => [e.path, e])).values()];
}

async function packTar(entries: Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (chunk) => void chunks.push(chunk as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  for (const entry of entries) {
    const header = { name: entry.path, mode: entry.mode, mtime: entry.mtime ?? EPOCH, uid: 0, gid: 0, uname: 'root', gname: 'root', type: entry.type, linkname: entry.linkname };
    await new Promise<void>((resolve, reject) => {
      const done = (error?: Error | null) => (error ? reject(error) : resolve());
      if (entry.content) pack.entry(header, entry.content, done);
      else pack.entry(header, done);
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
