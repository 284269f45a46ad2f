import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The runs that the arguments of `gate` or `merge-reports` name, and what was passed over. */
export interface RunArguments {
  /** Each a run directory or a results.json path, absolute, in argument order, once each. */
  inputs: string[];
  /** For a person: each argument that was not a run and was left out, or a folder of runs opened. */
  notes: string[];
}

/** A run's output directory: it holds a results.json, or the journal of a killed run. */
export function isRunDirectory(dir: string): boolean {
  return existsSync(join(dir, 'results.json')) || existsSync(join(dir, 'journal.ndjson'));
}

/** The run directories directly under `root`, in name order. */
export function runDirectoriesUnder(root: string): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(root, entry.name))
    .filter(isRunDirectory)
    .sort();
}

/**
 * What `drillbit gate reports/*` or `drillbit gate reports/` means: a run directory or a
 * `.json` file is an input; a folder of run directories stands for each of them; anything
 * else a shell glob brings along (`reports/README.md`, an empty folder) is left out with a
 * note. A path that does not exist stays an input, so that its reader reports it missing.
 */
export function expandRunArguments(args: readonly string[], cwd: string): RunArguments {
  const inputs: string[] = [];
  const notes: string[] = [];
  for (const arg of args) {
    const path = resolve(cwd, arg);
    const info = statSync(path, { throwIfNoEntry: false });
    if (!info || (info.isFile() && path.endsWith('.json')) || (info.isDirectory() && isRunDirectory(path))) {
      inputs.push(path);
    } else if (info.isDirectory() && runDirectoriesUnder(path).length > 0) {
      const runs = runDirectoriesUnder(path);
      inputs.push(...runs);
      notes.push(`${arg}: a folder of ${runs.length} run${runs.length === 1 ? '' : 's'}, each read`);
    } else {
      notes.push(`${arg}: not a run (no results.json or journal.ndjson${info.isDirectory() ? ' in it or in a folder under it' : ''}), left out`);
    }
  }
  return { inputs: [...new Set(inputs)], notes };
}
