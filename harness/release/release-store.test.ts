import { mkdir, mkdtemp, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bundleDigest } from './bundle-digest.ts';
import { ReleaseStore, removeReadOnlyTree } from './release-store.ts';

let root: string;
let store: ReleaseStore;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'drillbit-store-'));
  store = new ReleaseStore(join(root, 'store'));
});
afterEach(async () => {
  await removeReadOnlyTree(root);
});

async function bundle(name: string, serverJs = 'console.log(1)'): Promise<string> {
  const dir = join(root, name);
  await mkdir(join(dir, 'bin'), { recursive: true });
  await writeFile(join(dir, 'release.json'), JSON.stringify({ service: 'shop', version: '1', command: ['./bin/start'] }));
  await writeFile(join(dir, 'server.js'), serverJs);
  await writeFile(join(dir, 'bin', 'start'), '#!/bin/sh\nexec node server.js\n', { mode: 0o755 });
  return dir;
}

describe('ReleaseStore', () => {
  it('stores a bundle under its digest, read-only, with the executable bit kept', async () => {
    const source = await bundle('v1');
    const stored = await store.put(source);
    expect(stored.digest).toBe(await bundleDigest(source));
    expect(stored.path).toBe(join(root, 'store', `sha256-${stored.digest.slice(7)}`));
    expect((await stat(stored.path)).mode & 0o777).toBe(0o555);
    expect((await stat(join(stored.path, 'bin'))).mode & 0o777).toBe(0o555);
    expect((await stat(join(stored.path, 'server.js'))).mode & 0o777).toBe(0o444);
    expect((await stat(join(stored.path, 'bin', 'start'))).mode & 0o777).toBe(0o555);
    expect(await bundleDigest(stored.path)).toBe(stored.digest);
    expect(await store.has(stored.digest)).toBe(true);
  });

  it('gives the same content the same entry, and different content another', async () => {
    const a = await store.put(await bundle('a'));
    const b = await store.put(await bundle('b'));
    const c = await store.put(await bundle('c', 'console.log(2)'));
    expect(b).toEqual(a);
    expect(c.digest).not.toBe(a.digest);
    expect((await readdir(join(root, 'store'))).sort()).toEqual([a.path, c.path].map((p) => p.split('/').at(-1)).sort());
  });

  it('is safe when many writers put the same bundle at once', async () => {
    const source = await bundle('v1');
    const results = await Promise.all(Array.from({ length: 8 }, () => store.put(source)));
    expect(new Set(results.map((r) => r.path)).size).toBe(1);
    expect(await readdir(join(root, 'store'))).toEqual([results[0]!.path.split('/').at(-1)]);
    expect(await bundleDigest(results[0]!.path)).toBe(results[0]!.digest);
  });

  it('copies what symlinks point to, not the links', async () => {
    const source = await bundle('linked');
    await writeFile(join(root, 'shared.txt'), 'shared content');
    await symlink(join(root, 'shared.txt'), join(source, 'shared.txt'));
    const stored = await store.put(source);
    const copied = join(stored.path, 'shared.txt');
    expect(await readFile(copied, 'utf8')).toBe('shared content');
    expect((await stat(copied)).isFile()).toBe(true);
    await writeFile(join(root, 'shared.txt'), 'changed later');
    expect(await readFile(copied, 'utf8')).toBe('shared content');
    expect(await bundleDigest(source)).not.toBe(stored.digest);
  });
});
