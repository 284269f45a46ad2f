import { readdir, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { badInput } from '../errors.ts';

/** Folder discovery picks `*.drill.ts`, `*.drill.yaml`, `*.drill.yml` and `*.drill.json`; a file named explicitly may have any of those extensions. */
const DRILL_FILE = /\.drill\.(ts|mts|yaml|yml|json)$/;
const SCENARIO_EXTENSIONS = new Set(['.ts', '.mts', '.yaml', '.yml', '.json']);

export async function findScenarioFiles(paths: string[], cwd: string): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const absolute = resolve(cwd, path);
    const info = await stat(absolute).catch(() => undefined);
    if (!info) throw badInput(`${path}: no such file or folder`, 'pass scenario files or folders, e.g. `drillbit run scenarios/`');
    if (info.isDirectory()) files.push(...(await walk(absolute)));
    else if (SCENARIO_EXTENSIONS.has(extname(absolute))) files.push(absolute);
    else throw badInput(`${path}: not a scenario file`, 'scenario files end in .ts, .yaml, .yml or .json');
  }
  return [...new Set(files)];
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const found: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await walk(path)));
    else if (DRILL_FILE.test(entry.name)) found.push(path);
  }
  return found;
}

/**
 * Release paths starting with `./` or `../` are relative to the scenario file; other
 * relative paths are relative to the project root (the nearest folder above the
 * scenario holding a package.json), so `fixtures/shop/v1` reads the same from any scenario.
 */
export function resolveReleasePath(ref: string, scenarioFile: string, cwd: string): string {
  if (isAbsolute(ref)) return ref;
  if (ref.startsWith('./') || ref.startsWith('../')) return resolve(dirname(scenarioFile), ref);
  return resolve(projectRoot(scenarioFile) ?? cwd, ref);
}

function projectRoot(file: string): string | undefined {
  let dir = dirname(file);
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
