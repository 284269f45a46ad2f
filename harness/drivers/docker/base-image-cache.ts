import { createHash } from 'node:crypto';
import { readFile, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DrillbitError } from '../../errors.ts';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import { buildBaseImageArchive, type BaseImageSources } from './base-image.ts';
import { hostPathsKey } from './host-path-entries.ts';
import type { DockerEngine } from './docker-engine.ts';

export interface BaseImage {
  id: `sha256:${string}`;
  tag: string;
}

/** Bumped when base-image.ts packs differently: the cached IDs of older formats no longer apply. */
const FORMAT = 1;
const CACHE_FILE = 'docker-base-image.json';

interface CacheEntry {
  format: number;
  /** Identifies the host files the archive was built from, without reading them. */
  key: string;
  id: `sha256:${string}`;
  tag: string;
}

/**
 * The host-built base image (base-image.ts) in the engine, loaded only when the engine
 * lacks its ID. Packing 100 MB of node to learn the ID is the slow part, so the ID is
 * cached in `<storeDir>/docker-base-image.json` under a key made of each source file's
 * real path, size and mtime: a new node binary (or busybox) means a new key. A base with
 * extra host paths has a tag and a cache file of its own (named by a hash of the paths), so
 * runs with and without them do not evict each other's ID.
 */
export async function ensureBaseImage(engine: DockerEngine, sources: BaseImageSources, storeDir: string): Promise<BaseImage> {
  const key = await sourcesKey(sources);
  const variant = extrasVariant(sources);
  const cacheFile = join(storeDir, variant ? `docker-base-image-${variant}.json` : CACHE_FILE);
  const cached = await readCache(cacheFile, key);
  if (cached && (await engine.inspectImage(cached.id))) return { id: cached.id, tag: cached.tag };

  const version = process.versions.node;
  const built = await buildBaseImageArchive(sources, `drillbit/node-base:${version}${variant ? `-${variant}` : ''}`);
  const tag = built.tag;
  if (!(await engine.inspectImage(built.imageId))) {
    await engine.loadArchive(built.archive);
    const loaded = await engine.inspectImage(built.imageId);
    if (!loaded) {
      throw new DrillbitError('infrastructure', `docker load of the base image did not give ${built.imageId} (the engine computes image IDs differently)`, {
        hint: 'pass your own base image to the docker driver (DockerDriverOptions.baseImage)',
      });
    }
  }
  const entry: CacheEntry = { format: FORMAT, key, id: built.imageId, tag };
  await writeFileAtomic(cacheFile, `${JSON.stringify(entry, null, 2)}\n`);
  return { id: built.imageId, tag };
}

async function sourcesKey(sources: BaseImageSources): Promise<string> {
  const parts = await Promise.all(
    [sources.node, sources.busybox].map(async (file) => {
      if (!file) return '-';
      const path = await realpath(file);
      const info = await stat(path);
      return `${path}:${info.size}:${Math.trunc(info.mtimeMs)}`;
    }),
  );
  const extras = sources.extras?.length ? `|${sha256(await hostPathsKey(sources.extras))}` : '';
  return parts.join('|') + extras;
}

/** 12 hex digits naming the set of extra host paths (none: the default base). */
function extrasVariant(sources: BaseImageSources): string | undefined {
  return sources.extras?.length ? sha256(sources.extras.join('\0')).slice(0, 12) : undefined;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

async function readCache(file: string, key: string): Promise<CacheEntry | undefined> {
  try {
    const entry = JSON.parse(await readFile(file, 'utf8')) as CacheEntry;
    return entry.format === FORMAT && entry.key === key && /^sha256:[0-9a-f]{64}$/.test(entry.id) ? entry : undefined;
  } catch {
    return undefined;
  }
}
