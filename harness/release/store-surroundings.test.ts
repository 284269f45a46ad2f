import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { prepareStoreSurroundings } from './store-surroundings.ts';
import { releaseStoreDir } from './store-location.ts';

let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('prepareStoreSurroundings', () => {
  it('fences off a "type": "module" package.json above the store, so a CommonJS server.js in a bundle runs there as Node runs it alone', () => {
    root = mkdtempSync(join(tmpdir(), 'drillbit-surroundings-'));
    writeFileSync(join(root, 'package.json'), '{"type":"module"}');
    const store = join(root, '.drillbit', 'store');
    const bundle = join(store, 'sha256-0000');
    mkdirSync(bundle, { recursive: true });
    writeFileSync(join(bundle, 'server.js'), "console.log(typeof require('node:http').createServer)\n");
    const run = () => spawnSync(process.execPath, ['server.js'], { cwd: bundle, encoding: 'utf8' });
    expect(run().stderr, 'without the fence Node takes the project\'s "type"').toContain('require is not defined in ES module scope');

    return prepareStoreSurroundings(store).then((surroundings) => {
      expect(surroundings).toEqual({ warnings: [], boundary: true });
      expect(JSON.parse(readFileSync(join(store, 'package.json'), 'utf8'))).not.toHaveProperty('type');
      expect(run()).toMatchObject({ status: 0, stdout: 'function\n' });
    });
  });

  it('names a node_modules or .python-version above the store, which it cannot fence off; a clean place gets no fence', async () => {
    root = mkdtempSync(join(tmpdir(), 'drillbit-surroundings-'));
    mkdirSync(join(root, 'node_modules'));
    writeFileSync(join(root, '.python-version'), '3.9\n');
    const store = join(root, 'cache', 'store');
    const { warnings, boundary } = await prepareStoreSurroundings(store);
    expect(boundary).toBe(false);
    expect(existsSync(join(store, 'package.json'))).toBe(false);
    expect(warnings).toEqual([
      `${join(root, 'node_modules')} is above the release store ${store}: Node releases could load modules from it that their bundle lacks; set DRILLBIT_STORE to a folder with none above it`,
      `${join(root, '.python-version')} is above the release store ${store}: pyenv would pick the Python version it names for Python releases; set DRILLBIT_STORE to a folder with none above it`,
    ]);
  });
});

describe('releaseStoreDir', () => {
  it('is DRILLBIT_STORE, else under DRILLBIT_HOME, else the user cache — never under the project by default', () => {
    root = mkdtempSync(join(tmpdir(), 'drillbit-store-dir-'));
    expect(releaseStoreDir({ DRILLBIT_STORE: 'store', DRILLBIT_HOME: '/h' }, '/p')).toBe('/p/store');
    expect(releaseStoreDir({ DRILLBIT_HOME: '/h' }, '/p')).toBe('/h/store');
    expect(releaseStoreDir({ XDG_CACHE_HOME: '/c', HOME: '/home/u' }, '/p')).toBe('/c/drillbit/store');
    expect(releaseStoreDir({ HOME: '/home/u' }, '/p')).toBe('/home/u/.cache/drillbit/store');
  });
});
