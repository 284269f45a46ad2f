import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { removeReadOnlyTree } from '../../release/release-store.ts';
import { buildBaseImageArchive } from './base-image.ts';
import { ensureBaseImage } from './base-image-cache.ts';
import { describeWithDocker } from './describe-with-docker.ts';
import { DockerDriver } from './docker-driver.ts';
import { DockerEngine } from './docker-engine.ts';
import { PROJECT_ROOT } from './test-support.ts';

const engine = DockerEngine.at();
const sources = { node: process.execPath, busybox: existsSync('/bin/busybox') ? '/bin/busybox' : undefined };
let root = '';

await describeWithDocker('docker driver: base image, release images, image references', () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'drillbit-docker-images-'));
  });
  afterAll(async () => {
    await removeReadOnlyTree(join(root, 'store'));
    await rm(root, { recursive: true, force: true });
  });

  it('loads the base image idempotently: the same image ID every load, then known from the cache without packing node again', async () => {
    const { archive, imageId } = await buildBaseImageArchive(sources, 'drillbit/node-base:test-load');
    await engine.loadArchive(archive);
    await engine.loadArchive(archive);
    expect((await engine.inspectImage(imageId))?.Id).toBe(imageId);

    const storeDir = join(root, 'base-store');
    const first = await ensureBaseImage(engine, sources, storeDir);
    expect(first.id).toBe(imageId);
    expect(existsSync(join(storeDir, 'docker-base-image.json'))).toBe(true);
    const started = performance.now();
    const second = await ensureBaseImage(engine, sources, storeDir);
    expect(second.id).toBe(imageId);
    expect(performance.now() - started).toBeLessThan(200); // no 100 MB archive was built
    await engine.docker.getImage('drillbit/node-base:test-load').remove({ noprune: true }).catch(() => undefined);
  });

  it('builds a bundle into an image FROM the base image ID with the bundle at /app, labelled; a second driver reuses it', async () => {
    const storeDir = join(root, 'store');
    // A bundle no earlier run built: the fixture's code with a version of its own.
    const bundle = join(root, 'bundle');
    await mkdir(bundle);
    await copyFile(resolve(PROJECT_ROOT, 'fixtures/shop/server.mjs'), join(bundle, 'server.mjs'));
    const manifest = JSON.parse(await readFile(resolve(PROJECT_ROOT, 'fixtures/shop/v1/release.json'), 'utf8')) as { version: string };
    await writeFile(join(bundle, 'release.json'), JSON.stringify({ ...manifest, version: `test-${process.pid}-${Date.now()}` }));
    const release = await new DockerDriver().resolveRelease('shop', 'v1', bundle, PROJECT_ROOT, { storeDir });
    try {
      expect(release.image?.id).toMatch(/^sha256:[0-9a-f]{64}$/);
      const info = (await engine.inspectImage(release.image!.id))!;
      const base = await ensureBaseImage(engine, sources, storeDir);
      expect(info.Config.Labels).toMatchObject({
        'drillbit.release.digest': release.digest,
        'drillbit.release.service': 'shop',
        'drillbit.release.version': release.version,
        'drillbit.base': base.id,
        'drillbit.command': JSON.stringify(release.manifest.command),
      });
      expect(info.Config.WorkingDir).toBe('/app');
      expect(info.RepoTags).toContain(release.image!.tag);

      const again = await new DockerDriver().resolveRelease('shop', 'v1', bundle, PROJECT_ROOT, { storeDir });
      expect(again.image?.id).toBe(release.image!.id);
      expect(again.digest).toBe(release.digest);
    } finally {
      await engine.docker.getImage(release.image!.id).remove({ force: true }).catch(() => undefined);
    }
  });

  it('takes an image in the engine as a release, by tag or ID, pinned to its ID, its manifest from its labels', async () => {
    const storeDir = join(root, 'store');
    const driver = new DockerDriver();
    const built = await driver.resolveRelease('shop', 'v1', resolve(PROJECT_ROOT, 'fixtures/shop/v1'), PROJECT_ROOT, { storeDir });
    const tag = built.image!.tag!;
    // As a scenario writes it: the loader makes `drillbit/shop:…` a path under the project root.
    const byTag = await driver.resolveRelease('shop', 'img', join(PROJECT_ROOT, tag), PROJECT_ROOT, { storeDir });
    expect(byTag).toMatchObject({ digest: built.digest, configDigest: built.configDigest, version: '1.0.0', source: tag, image: { id: built.image!.id, tag } });
    expect(byTag.manifest).toEqual(built.manifest);
    const byId = await driver.resolveRelease('shop', 'img', built.image!.id, PROJECT_ROOT, { storeDir });
    expect(byId.image).toEqual({ id: built.image!.id, tag: undefined });
    await expect(driver.resolveRelease('stock', 'img', tag, PROJECT_ROOT, { storeDir })).rejects.toThrow(/is a release of service "shop"/);
  });

  it('an image that is not in the engine is bad input naming it; so is a bundle path that is neither', async () => {
    const storeDir = join(root, 'store');
    const driver = new DockerDriver();
    await expect(driver.resolveRelease('shop', 'x', join(PROJECT_ROOT, 'drillbit-test/nosuch:1.0'), PROJECT_ROOT, { storeDir })).rejects.toMatchObject({
      code: 'bad-input',
      message: 'image drillbit-test/nosuch:1.0 not found locally; no registry is reachable: build or load it first',
    });
    await expect(driver.resolveRelease('shop', 'x', join(PROJECT_ROOT, 'fixtures/shop/v9'), PROJECT_ROOT, { storeDir })).rejects.toMatchObject({
      code: 'bad-input',
      message: expect.stringMatching(/no release bundle at .*fixtures\/shop\/v9, and no image "fixtures\/shop\/v9" in the local engine/),
    });
  });
});
