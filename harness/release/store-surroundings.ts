import { access, mkdir, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.ts';

/** Files that programs look for in every folder above the one they run in, and what finding one does to a release. */
const WALKED_UP: readonly { name: string; effect: string }[] = [
  { name: 'node_modules', effect: 'Node releases could load modules from it that their bundle lacks' },
  { name: '.python-version', effect: 'pyenv would pick the Python version it names for Python releases' },
  { name: '.tool-versions', effect: 'asdf would pick the tool versions it names for releases' },
];

/** Written at the store's root only when a `package.json` is above it: Node stops its package-scope walk there. */
const BOUNDARY = 'package.json';
const BOUNDARY_TEXT = `${JSON.stringify({ name: 'drillbit-release-store', private: true, description: 'Stops Node from reading a package.json above the release store: a release bundle without its own package.json runs with Node\'s defaults, as it does at /app in a container.' }, null, 2)}\n`;

export interface StoreSurroundings {
  /** One line per thing above the store that could change what a release does. */
  warnings: string[];
  /** Whether the boundary `package.json` is in place (a `package.json` is above the store). */
  boundary: boolean;
}

/**
 * Makes the folders above the release store say nothing to a release. A local replica runs
 * from `<store>/sha256-…`, and programs walk up from where they run: Node reads the nearest
 * `package.json` (its `"type"` decides whether `server.js` is CommonJS) and every
 * `node_modules` up to `/`. A `package.json` above the store is fenced off by an empty one
 * at the store's root; what cannot be fenced off (a `node_modules` above) is a warning that
 * names it. Idempotent; cheap enough for every run.
 */
export async function prepareStoreSurroundings(storeDir: string): Promise<StoreSurroundings> {
  await mkdir(storeDir, { recursive: true });
  const above = ancestors(storeDir);
  const warnings: string[] = [];
  for (const dir of above) {
    for (const { name, effect } of WALKED_UP) {
      if (await exists(join(dir, name))) warnings.push(`${join(dir, name)} is above the release store ${storeDir}: ${effect}; set DRILLBIT_STORE to a folder with none above it`);
    }
  }
  const fenced = (await Promise.all(above.map((dir) => exists(join(dir, BOUNDARY))))).some(Boolean);
  const boundary = join(storeDir, BOUNDARY);
  // Atomic, and only when it differs: a replica of a concurrent run may be reading it.
  if (fenced && (await readFile(boundary, 'utf8').catch(() => '')) !== BOUNDARY_TEXT) await writeFileAtomic(boundary, BOUNDARY_TEXT);
  if (!fenced) await rm(boundary, { force: true });
  return { warnings, boundary: fenced };
}

/** Every folder above `dir`, nearest first, `/` last. */
function ancestors(dir: string): string[] {
  const found: string[] = [];
  for (let current = dirname(dir); ; current = dirname(current)) {
    found.push(current);
    if (dirname(current) === current) return found;
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}
