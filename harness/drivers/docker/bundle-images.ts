import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { badInput } from '../../errors.ts';
import { displayPath, loadReleaseManifest } from '../../release/bundle-loader.ts';
import type { DockerDriver } from './docker-driver.ts';

/** A bundle's release image, tagged for people and compose files. */
export interface TaggedImage {
  bundle: string;
  /** `drillbit/shop:v1`: `<repository>/<service>:<bundle folder>`. */
  tag: string;
  id: string;
  /** False when the tag already named this image. */
  changed: boolean;
}

/**
 * Release bundles under the given paths: each folder holding a `release.json` (not searched
 * further), found recursively, in name order. A path that does not exist is bad input.
 */
export async function findBundles(paths: readonly string[], cwd: string): Promise<string[]> {
  const bundles: string[] = [];
  for (const path of paths) {
    const absolute = resolve(cwd, path);
    if (!(await stat(absolute).catch(() => undefined))?.isDirectory()) throw badInput(`${path}: no such folder`, 'pass release bundle folders, or folders holding them (default fixtures/)');
    bundles.push(...(await walk(absolute)));
  }
  if (bundles.length === 0) throw badInput(`no release bundle (a folder with a release.json) in ${paths.join(', ')}`);
  return [...new Set(bundles)];
}

async function walk(dir: string): Promise<string[]> {
  if (existsSync(join(dir, 'release.json'))) return [dir];
  const entries = await readdir(dir, { withFileTypes: true });
  const found: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules') found.push(...(await walk(join(dir, entry.name))));
  }
  return found;
}

/**
 * Builds each bundle's release image the way the docker driver does (FROM the base image,
 * found again by its labels when it exists, so a second run builds nothing) and tags it
 * `<repository>/<service>:<bundle folder>` — e.g. fixtures/shop/v1 → drillbit/shop:v1 —
 * so a compose file can name it on a machine with no registry.
 */
export async function buildBundleImages(driver: DockerDriver, bundles: readonly string[], options: { repository: string; storeDir: string; cwd: string; onImage?: (image: TaggedImage) => void }): Promise<TaggedImage[]> {
  const images: TaggedImage[] = [];
  for (const bundle of bundles) {
    const manifest = await loadReleaseManifest(bundle);
    const release = await driver.resolveRelease(manifest.service, basename(bundle), bundle, options.cwd, { storeDir: options.storeDir });
    const repo = `${options.repository}/${manifest.service.toLowerCase()}`;
    const tagName = basename(bundle).toLowerCase().replace(/[^a-z0-9_.-]+/g, '-');
    const tag = `${repo}:${tagName}`;
    const before = (await driver.engine.inspectImage(tag))?.Id;
    const id = release.image!.id;
    if (before !== id) await driver.engine.docker.getImage(id).tag({ repo, tag: tagName });
    const image = { bundle: displayPath(bundle), tag, id, changed: before !== id };
    options.onImage?.(image);
    images.push(image);
  }
  return images;
}
