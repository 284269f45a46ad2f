import { randomBytes } from 'node:crypto';
import { chmod, copyFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Digest } from '../drivers/driver.ts';
import { DrillbitError } from '../errors.ts';
import { digestFiles, listBundleFiles } from './bundle-digest.ts';

export interface StoredRelease {
  digest: Digest;
  /** `<root>/sha256-<hex>`: read-only, never modified once it exists. */
  path: string;
}

/**
 * Content-addressed, read-only copies of release bundles. A copy appears under its
 * digest all at once (temp dir + rename) or not at all, so concurrent writers of the
 * same bundle and readers of the store never see half a release.
 */
export class ReleaseStore {
  constructor(readonly rootDir: string) {}

  pathOf(digest: Digest): string {
    return join(this.rootDir, digest.replace(':', '-'));
  }

  async has(digest: Digest): Promise<boolean> {
    return exists(this.pathOf(digest));
  }

  /** Copies a bundle (symlinks followed) into the store, unless that content is already there. */
  async put(bundleDir: string): Promise<StoredRelease> {
    const files = await listBundleFiles(bundleDir);
    const digest = await digestFiles(files);
    const path = this.pathOf(digest);
    if (await exists(path)) return { digest, path };

    await mkdir(this.rootDir, { recursive: true });
    const temp = join(this.rootDir, `.tmp-${digest.replace(':', '-')}-${process.pid}-${randomBytes(4).toString('hex')}`);
    try {
      await copyFiles(files, temp);
      await this.verify(temp, digest, bundleDir);
      await makeReadOnly(temp);
      const won = await renameUnlessExists(temp, path);
      if (won) await chmod(path, 0o555);
    } finally {
      await removeReadOnlyTree(temp);
    }
    return { digest, path };
  }

  private async verify(copy: string, expected: Digest, source: string): Promise<void> {
    const actual = await digestFiles(await listBundleFiles(copy));
    if (actual !== expected) {
      throw new DrillbitError('bad-input', `release bundle ${source} changed while it was being copied into the store (${expected} → ${actual})`, {
        hint: 'do not modify a bundle while a drill deploys it; rerun when it is stable',
      });
    }
  }
}

async function copyFiles(files: Awaited<ReturnType<typeof listBundleFiles>>, target: string): Promise<void> {
  await mkdir(target, { recursive: true });
  const made = new Set<string>([target]);
  for (const file of files) {
    const destination = join(target, file.relativePath);
    const parent = dirname(destination);
    if (!made.has(parent)) {
      await mkdir(parent, { recursive: true });
      made.add(parent);
    }
    await copyFile(file.absolutePath, destination); // copyFile reads through symlinks
    await chmod(destination, file.executable ? 0o555 : 0o444);
  }
}

/** Directories become 0555, deepest first; the root stays writable until it is renamed (rename needs to update its `..`). */
async function makeReadOnly(root: string): Promise<void> {
  for (const dir of (await listDirs(root)).reverse()) await chmod(dir, 0o555);
}

async function listDirs(root: string): Promise<string[]> {
  const dirs: string[] = [];
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = join(root, entry.name);
    dirs.push(dir, ...(await listDirs(dir)));
  }
  return dirs;
}

/** False when another writer put the same digest first: its copy is identical and is kept. */
async function renameUnlessExists(from: string, to: string): Promise<boolean> {
  try {
    await rename(from, to);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') return false;
    throw error;
  }
}

/** Removes a tree that may hold read-only directories (a store, or a copy of one): `rm -rf` alone fails for non-root users. */
export async function removeReadOnlyTree(path: string): Promise<void> {
  if (!(await exists(path))) return;
  // Read-only directories cannot be emptied by a non-root user; make them writable first.
  for (const dir of [path, ...(await listDirs(path))]) await chmod(dir, 0o755);
  await rm(path, { recursive: true, force: true });
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
