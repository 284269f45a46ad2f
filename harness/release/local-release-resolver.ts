import { isAbsolute, resolve } from 'node:path';
import type { ResolvedRelease } from '../drivers/driver.ts';
import { DrillbitError } from '../errors.ts';
import { configDigest } from './bundle-digest.ts';
import { displayPath, loadReleaseManifest } from './bundle-loader.ts';
import { ReleaseStore } from './release-store.ts';

/**
 * Turns a scenario's bundle reference (a directory, absolute or relative to `baseDir`)
 * into an immutable release in the content-addressed store.
 */
export async function resolveLocalRelease(
  service: string,
  name: string,
  ref: string,
  baseDir: string,
  options: { storeDir: string },
): Promise<ResolvedRelease> {
  const source = isAbsolute(ref) ? ref : resolve(baseDir, ref);
  const declared = await loadReleaseManifest(source);
  if (declared.service !== service) {
    throw new DrillbitError('bad-input', `release "${name}" of service "${service}" (${displayPath(source)}) is a release of service "${declared.service}"`, {
      hint: `point "${name}" at a bundle whose release.json says "service": "${service}", or fix the bundle's service name`,
    });
  }
  const stored = await new ReleaseStore(options.storeDir).put(source);
  // The manifest that counts is the stored one: it is what the digest covers.
  const manifest = await loadReleaseManifest(stored.path);
  return {
    service,
    name,
    version: manifest.version,
    digest: stored.digest,
    configDigest: configDigest(manifest),
    source,
    manifest,
    storePath: stored.path,
    ...(manifest.createdAt ? { createdAt: manifest.createdAt } : {}),
    ...(manifest.labels ? { labels: manifest.labels } : {}),
  };
}
