import { lstat, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { DrillbitError } from '../../errors.ts';
import { buildBaseImageArchive } from './base-image.ts';
import { baseExtrasFromEnvironment } from './docker-driver.ts';
import { hostPathEntries, linkedLibraries } from './host-path-entries.ts';
import { describeNeeding } from '../../../test/requirement.ts';

describe('base image archive', () => {
  it('is deterministic: the same host node gives the same image ID', async () => {
    const a = await buildBaseImageArchive({ node: process.execPath }, 'drillbit/node-base:det');
    const b = await buildBaseImageArchive({ node: process.execPath }, 'drillbit/node-base:det');
    expect(a.imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(b.imageId).toBe(a.imageId);
    expect(a.archive.equals(b.archive)).toBe(true);
  });

  it('with an empty list of extras is the default base', async () => {
    const plain = await buildBaseImageArchive({ node: process.execPath }, 'drillbit/node-base:det');
    const empty = await buildBaseImageArchive({ node: process.execPath, extras: [] }, 'drillbit/node-base:det');
    expect(empty.imageId).toBe(plain.imageId);
  });
});

// Debian's python3 (a symlink to python3.11) and envsubst: what the third-party fixtures need on docker.
const PYTHON = '/usr/bin/python3';
const hasDebianPython = await lstat(PYTHON).then((s) => s.isSymbolicLink(), () => false);

const missingPython = hasDebianPython ? undefined : { requirement: 'THIRD_PARTY', reason: `${PYTHON} is not Debian's symlink to python3.11`, hint: 'apt-get install -y python3.11 gettext-base' } as const;

describeNeeding('base image extras (host programs at their host paths)', missingPython, () => {
  it('bring a symlink as a link, what it points to, the libraries ldd lists, and the files’ times; deterministically', async () => {
    const sources = { node: process.execPath, extras: [PYTHON, '/usr/bin/envsubst'] };
    const a = await buildBaseImageArchive(sources, 'drillbit/node-base:extras');
    const b = await buildBaseImageArchive(sources, 'drillbit/node-base:extras');
    expect(b.imageId).toBe(a.imageId);
    expect(a.imageId).not.toBe((await buildBaseImageArchive({ node: process.execPath }, 'drillbit/node-base:extras')).imageId);

    const layer = await layerEntries(a.archive);
    expect(layer.get('usr/bin/python3')).toMatchObject({ type: 'symlink', linkname: '/usr/bin/python3.11' });
    const python = layer.get('usr/bin/python3.11');
    expect(python?.type).toBe('file');
    expect(python?.mtime?.getTime()).toBe(Math.trunc((await stat('/usr/bin/python3.11')).mtimeMs / 1000) * 1000);
    for (const library of await linkedLibraries('/usr/bin/python3.11')) expect(layer.has(library.slice(1)), library).toBe(true);
    expect(layer.get('usr/bin/envsubst')?.type).toBe('file');
    expect(layer.get('usr/local/bin/node')?.mtime?.toISOString(), 'node keeps the fixed time').toBe('2000-01-01T00:00:00.000Z');
  });

  it('a path that is not there, or not absolute, is bad input naming it', async () => {
    const missing = await hostPathEntries(['/usr/sbin/no-such-program']).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(DrillbitError);
    expect((missing as DrillbitError).code).toBe('bad-input');
    expect((missing as Error).message).toBe('base image extra /usr/sbin/no-such-program: no such file or directory on this host');
    expect(() => baseExtrasFromEnvironment({ DRILLBIT_DOCKER_BASE_EXTRAS: '/usr/sbin/nginx:usr/bin/python3' })).toThrow('DRILLBIT_DOCKER_BASE_EXTRAS: "usr/bin/python3" is not an absolute path');
    expect(baseExtrasFromEnvironment({ DRILLBIT_DOCKER_BASE_EXTRAS: ' /usr/sbin/nginx: :/etc/nginx/mime.types' })).toEqual(['/usr/sbin/nginx', '/etc/nginx/mime.types']);
    expect(baseExtrasFromEnvironment({})).toBeUndefined();
  });
});

/** The entries of the image's one layer, by path. */
async function layerEntries(archive: Buffer): Promise<Map<string, tar.Header>> {
  const outer = await untar(archive, (name) => name.endsWith('/layer.tar'));
  const layer = [...outer.values()].find((e) => e.content)!.content!;
  return new Map([...(await untar(layer, () => false)).entries()].map(([path, e]) => [path.replace(/\/$/, ''), e.header]));
}

async function untar(data: Buffer, keep: (name: string) => boolean): Promise<Map<string, { header: tar.Header; content?: Buffer }>> {
  const entries = new Map<string, { header: tar.Header; content?: Buffer }>();
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: unknown) => void (keep(header.name) && chunks.push(c as Buffer)));
    stream.on('end', () => {
      entries.set(header.name, { header, ...(keep(header.name) ? { content: Buffer.concat(chunks) } : {}) });
      next();
    });
    stream.resume();
  });
  const done = new Promise<void>((resolve, reject) => extract.on('finish', () => resolve()).on('error', reject));
  Readable.from([data]).pipe(extract);
  await done;
  return entries;
}
