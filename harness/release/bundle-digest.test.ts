import { chmod, cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bundleDigest, canonicalJson, configDigest } from './bundle-digest.ts';
import { releaseManifestSchema } from './release-manifest.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'drillbit-digest-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function bundle(name: string, files: Record<string, string> = {}): Promise<string> {
  const dir = join(root, name);
  await mkdir(join(dir, 'lib'), { recursive: true });
  const manifest = { service: 'shop', version: '1.0.0', command: ['node', 'server.js'] };
  const all = { 'release.json': JSON.stringify(manifest), 'server.js': 'console.log(1)', 'lib/a.js': 'export {}', ...files };
  for (const [path, content] of Object.entries(all)) await writeFile(join(dir, path), content);
  return dir;
}

describe('bundleDigest', () => {
  it('is the same for the same content, wherever the bundle lives', async () => {
    const a = await bundle('a');
    const b = await bundle('b');
    expect(await bundleDigest(a)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await bundleDigest(a)).toBe(await bundleDigest(b));
  });

  it('changes when a file changes, is added, or is renamed', async () => {
    const base = await bundleDigest(await bundle('base'));
    expect(await bundleDigest(await bundle('changed', { 'server.js': 'console.log(2)' }))).not.toBe(base);
    expect(await bundleDigest(await bundle('added', { 'extra.txt': '' }))).not.toBe(base);
    const renamed = await bundle('renamed');
    await rm(join(renamed, 'lib/a.js'));
    await writeFile(join(renamed, 'lib/b.js'), 'export {}');
    expect(await bundleDigest(renamed)).not.toBe(base);
  });

  it('changes when the manifest changes', async () => {
    const base = await bundleDigest(await bundle('base'));
    const manifest = { service: 'shop', version: '1.0.1', command: ['node', 'server.js'] };
    expect(await bundleDigest(await bundle('v2', { 'release.json': JSON.stringify(manifest) }))).not.toBe(base);
  });

  it('changes with the executable bit, and only with it', async () => {
    const dir = await bundle('modes');
    const base = await bundleDigest(dir);
    await chmod(join(dir, 'server.js'), 0o600);
    expect(await bundleDigest(dir)).toBe(base);
    await chmod(join(dir, 'server.js'), 0o755);
    expect(await bundleDigest(dir)).not.toBe(base);
  });

  it('follows symlinks: a link to a file counts as that file', async () => {
    const plain = await bundle('plain');
    const linked = await bundle('linked');
    const outside = join(root, 'outside');
    await mkdir(outside);
    await writeFile(join(outside, 'server.js'), 'console.log(1)');
    await rm(join(linked, 'server.js'));
    await symlink(join(outside, 'server.js'), join(linked, 'server.js'));
    await rm(join(linked, 'lib'), { recursive: true });
    await cp(join(plain, 'lib'), join(outside, 'lib'), { recursive: true });
    await symlink(join(outside, 'lib'), join(linked, 'lib'));
    expect(await bundleDigest(linked)).toBe(await bundleDigest(plain));
  });

  it('rejects a broken symlink and a symlink loop as bad input', async () => {
    const broken = await bundle('broken');
    await symlink(join(root, 'nowhere'), join(broken, 'dangling'));
    await expect(bundleDigest(broken)).rejects.toMatchObject({ code: 'bad-input', message: expect.stringContaining('dangling is a broken symlink') });
    const loop = await bundle('loop');
    await symlink('..', join(loop, 'lib', 'up'));
    await expect(bundleDigest(loop)).rejects.toMatchObject({ code: 'bad-input', message: expect.stringContaining('lib/up is a symlink loop') });
  });
});

describe('configDigest', () => {
  const manifest = releaseManifestSchema.parse({ service: 'shop', version: '1', command: ['node', 's.js'], env: { A: '1', B: '2' } });

  it('ignores key order and the fields that are not configuration', () => {
    const reordered = { ...manifest, version: '2', env: { B: '2', A: '1' } };
    expect(configDigest(reordered)).toBe(configDigest(manifest));
  });

  it('changes with command, env and health', () => {
    const base = configDigest(manifest);
    expect(configDigest({ ...manifest, command: ['node', 'other.js'] })).not.toBe(base);
    expect(configDigest({ ...manifest, env: { A: '1', B: '3' } })).not.toBe(base);
    expect(configDigest({ ...manifest, health: { ...manifest.health, path: '/ready' } })).not.toBe(base);
  });

  it('canonical JSON sorts keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}');
  });
});
