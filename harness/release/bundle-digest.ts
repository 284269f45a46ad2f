import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Digest } from '../drivers/driver.ts';
import { DrillbitError } from '../errors.ts';
import type { ReleaseManifest } from './release-manifest.ts';

/** A content digest as Drillbit writes it: `sha256:` and 64 lowercase hex digits. */
export const DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/;

/** One regular file of a bundle, symlinks already followed. */
export interface BundleFile {
  /** Path inside the bundle, `/`-separated. */
  relativePath: string;
  /** Where the content is read from (a symlink's target is read through the link). */
  absolutePath: string;
  executable: boolean;
}

const HASH_CONCURRENCY = 8;

/**
 * Digest of a bundle directory: sha256 over the sorted lines
 * `relativePath \0 mode \0 sha256(content) \n` of every regular file (release.json
 * included), symlinks dereferenced, so the digest names exactly what a replica runs.
 */
export async function bundleDigest(dir: string): Promise<Digest> {
  return digestFiles(await listBundleFiles(dir));
}

/** The bundle digest of an already listed set of files. */
export async function digestFiles(files: readonly BundleFile[]): Promise<Digest> {
  const lines = await mapLimit(files, HASH_CONCURRENCY, async (file) =>
    `${file.relativePath}\0${file.executable ? '755' : '644'}\0${await sha256File(file.absolutePath)}\n`,
  );
  const hash = createHash('sha256');
  for (const line of lines) hash.update(line);
  return `sha256:${hash.digest('hex')}`;
}

/** Digest of what configures a replica (command, env, health), independent of key order. */
export function configDigest(manifest: Pick<ReleaseManifest, 'command' | 'env' | 'health'>): Digest {
  const { command, env, health } = manifest;
  return `sha256:${sha256Hex(canonicalJson({ command, env, health }))}`;
}

/** JSON with object keys sorted at every level, so equal values serialize equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/** Every regular file under `dir`, sorted by relative path; symlinks are followed (cycles are bad input). */
export async function listBundleFiles(dir: string): Promise<BundleFile[]> {
  const files: BundleFile[] = [];
  await walk(dir, '', new Set([await realpath(dir)]), files);
  return files.sort((a, b) => (a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0));
}

async function walk(root: string, prefix: string, ancestors: Set<string>, out: BundleFile[]): Promise<void> {
  const entries = await readdir(join(root, prefix), { withFileTypes: true });
  for (const entry of entries) {
    const relativePath = prefix ? `${prefix}/${entry.name}` : entry.name;
    const absolutePath = join(root, relativePath);
    const info = await statFollowing(absolutePath, relativePath);
    if (info.isFile()) {
      out.push({ relativePath, absolutePath, executable: (info.mode & 0o111) !== 0 });
    } else if (info.isDirectory()) {
      const real = await realpath(absolutePath);
      if (ancestors.has(real)) throw bundleProblem(root, `${relativePath} is a symlink loop`);
      await walk(root, relativePath, new Set([...ancestors, real]), out);
    }
    // Sockets, FIFOs and devices are not content; they are neither hashed nor copied.
  }
}

async function statFollowing(path: string, relativePath: string) {
  try {
    return await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw bundleProblem(path, `${relativePath} is a broken symlink`);
    throw error;
  }
}

function bundleProblem(where: string, message: string): DrillbitError {
  return new DrillbitError('bad-input', `release bundle ${where}: ${message}`, {
    hint: 'a bundle is copied with its symlinks followed; make every link point to a file or directory that exists',
  });
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
    return sorted;
  }
  return value;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
