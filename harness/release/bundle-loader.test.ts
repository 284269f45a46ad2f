import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DrillbitError } from '../errors.ts';
import { loadReleaseManifest } from './bundle-loader.ts';
import { resolveLocalRelease } from './local-release-resolver.ts';
import { removeReadOnlyTree } from './release-store.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'drillbit-loader-'));
});
afterEach(async () => {
  await removeReadOnlyTree(root);
});

async function bundle(name: string, manifest: unknown): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'release.json'), typeof manifest === 'string' ? manifest : JSON.stringify(manifest));
  return dir;
}

async function failure(promise: Promise<unknown>): Promise<DrillbitError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(DrillbitError);
  return error as DrillbitError;
}

describe('loadReleaseManifest', () => {
  it('applies defaults', async () => {
    const manifest = await loadReleaseManifest(await bundle('ok', { service: 'shop', version: '1', command: ['node', 's.js'] }));
    expect(manifest).toEqual({ service: 'shop', version: '1', command: ['node', 's.js'], env: {}, health: { path: '/healthz', timeoutMs: 5000, intervalMs: 50 } });
  });

  it('reports every problem with the file and the field', async () => {
    const dir = await bundle('bad', { service: 'shop', command: [], health: { path: 'healthz' }, extra: 1 });
    const error = await failure(loadReleaseManifest(dir));
    expect(error.code).toBe('bad-input');
    const file = join(dir, 'release.json');
    const lines = error.message.split('\n');
    expect(lines.every((line) => line.startsWith(`${file}: `))).toBe(true);
    expect(error.message).toContain(`${file}: version: `);
    expect(error.message).toContain(`${file}: command: `);
    expect(error.message).toContain(`${file}: health.path: expected a path starting with "/"`);
    expect(error.message).toContain(`${file}: extra: unknown field`);
    expect(error.hint).toBeTruthy();
  });

  it('names a missing directory, a missing release.json and invalid JSON', async () => {
    expect((await failure(loadReleaseManifest(join(root, 'nope')))).message).toBe(`release bundle not found: ${join(root, 'nope')}`);
    await mkdir(join(root, 'empty'));
    expect((await failure(loadReleaseManifest(join(root, 'empty')))).message).toBe(`${join(root, 'empty', 'release.json')}: missing`);
    expect((await failure(loadReleaseManifest(await bundle('json', '{ nope')))).message).toMatch(/release\.json: not valid JSON/);
  });
});

describe('resolveLocalRelease', () => {
  it('resolves a relative ref against baseDir into the store', async () => {
    await bundle('v1', { service: 'shop', version: '1.2.0', command: ['node', 's.js'], env: { PORT: '{port}' } });
    const release = await resolveLocalRelease('shop', 'good', 'v1', root, { storeDir: join(root, 'store') });
    expect(release).toMatchObject({ service: 'shop', name: 'good', version: '1.2.0', source: join(root, 'v1') });
    expect(release.storePath).toBe(join(root, 'store', release.digest.replace(':', '-')));
    expect(release.configDigest).toMatch(/^sha256:/);
  });

  it('rejects a bundle of another service, naming both', async () => {
    await bundle('cart', { service: 'cart', version: '1', command: ['node', 's.js'] });
    const error = await failure(resolveLocalRelease('shop', 'good', join(root, 'cart'), '/', { storeDir: join(root, 'store') }));
    expect(error.code).toBe('bad-input');
    expect(error.message).toMatch(/"shop".*"cart"/);
  });
});
