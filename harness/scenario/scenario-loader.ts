import { readFile } from 'node:fs/promises';
import { basename, extname, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { errorMessage } from '../errors.ts';
import type { Scenario } from './schema.ts';
import type { Problem } from './problem.ts';
import type { ExternalTarget } from './target-allowance.ts';
import { toPlainValue } from './plain-value.ts';
import { validateScenario } from './scenario-validator.ts';
import { describeYamlError } from '../util/yaml-error.ts';

export interface LoadedScenario {
  /** Absolute path of the scenario file. */
  file: string;
  /** The file as the user should read it (relative to the working directory). */
  displayFile: string;
  /** Index within the file when it exports several scenarios. */
  index: number;
  scenario: Scenario;
  /** Set once the run's driver is known: what its `drivers.<driver>` blocks changed (see driver-overrides.ts). */
  driverOverrides?: string[];
  /** Set once the run has checked them (runner/external-preflight.ts): the scenario's external dependencies and why each may be reached. */
  externalTargets?: ExternalTarget[];
}

export interface LoadResult {
  scenarios: LoadedScenario[];
  problems: Problem[];
}

/** Loads and validates scenario files; a file that fails to load is a problem, never a crash. */
export async function loadScenarios(files: string[], cwd: string): Promise<LoadResult> {
  const result: LoadResult = { scenarios: [], problems: [] };
  for (const file of files) {
    const displayFile = relative(cwd, file) || file;
    const loaded = await loadFileValue(file).catch((error: unknown) => ({ error: loadError(error) }));
    if ('error' in loaded) {
      const unresolved = /Cannot find (?:module|package) '(drillbit)'/.test(loaded.error) ? ' (a scenario imports drillbit from its project: `npm i -D drillbit` there, or keep the scenario inside this project)' : '';
      result.problems.push({ file: displayFile, path: '', message: `could not load: ${loaded.error}${unresolved}` });
      continue;
    }
    const plain = toPlainValue(loaded.value);
    if (plain.problems.length > 0) {
      result.problems.push(...plain.problems.map((p) => ({ file: displayFile, ...p })));
      continue;
    }
    loaded.value = plain.value;
    const values = Array.isArray(loaded.value) ? loaded.value : [loaded.value];
    if (values.length === 0) result.problems.push({ file: displayFile, path: '', message: 'the file exports no scenario' });
    values.forEach((value, index) => {
      const prefix = Array.isArray(loaded.value) ? `[${index}]` : '';
      const { scenario, problems } = validateScenario(value, displayFile, prefix);
      result.problems.push(...problems);
      if (scenario) result.scenarios.push({ file, displayFile, index, scenario });
    });
  }
  checkUniqueNames(result);
  return result;
}

async function loadFileValue(file: string): Promise<{ value: unknown }> {
  const extension = extname(file);
  if (extension === '.ts' || extension === '.mts') {
    const module = (await import(pathToFileURL(file).href).catch((error: unknown) => {
      throw commonJsPackageError(error, file);
    })) as Record<string, unknown>;
    const value = module.default ?? module.scenario;
    if (value === undefined) throw new Error('expected `export default defineScenario({...})`');
    return { value };
  }
  const text = await readFile(file, 'utf8');
  if (extension === '.json') return { value: JSON.parse(text) };
  try {
    return { value: parseYaml(text, { maxAliasCount: 100 }) };
  } catch (error) {
    const described = describeYamlError(error, text);
    throw described ? new YamlSyntaxError(described) : error;
  }
}

/** Node reads a `.ts` file in a package without `"type": "module"` as CommonJS, which cannot import the scenario API. */
function commonJsPackageError(error: unknown, file: string): unknown {
  const code = (error as { code?: string }).code ?? '';
  if (!/ERR_REQUIRE_CYCLE_MODULE|ERR_REQUIRE_ESM/.test(code) && !/require\(\) ES Module/.test(errorMessage(error))) return error;
  return new Error(`${basename(file)} is in a CommonJS package, so Node cannot load it as a module: rename it to ${basename(file).replace(/\.ts$/, '.mts')} or add "type": "module" to the nearest package.json`);
}

function checkUniqueNames(result: LoadResult): void {
  const seen = new Map<string, string>();
  for (const { scenario, displayFile } of result.scenarios) {
    const other = seen.get(scenario.name);
    if (other) result.problems.push({ file: displayFile, path: 'name', message: `scenario name ${JSON.stringify(scenario.name)} is also used in ${other}` });
    seen.set(scenario.name, displayFile);
  }
}

/** A YAML syntax error, already in words with its line shown: kept whole. */
class YamlSyntaxError extends Error {}

/** A load failure as one line (a YAML error also shows its line); a parser that ran out of stack says the file is nested too deeply. */
function loadError(error: unknown): string {
  if (error instanceof YamlSyntaxError) return error.message;
  // esbuild (under tsx) puts the syntax error under "Transform failed with 1 error:" as `<file>:<line>:<column>: ERROR: <what>`, column from 0.
  const syntax = /^.*:(\d+):(\d+): ERROR: (.+)$/m.exec(errorMessage(error));
  if (syntax) return `${syntax[3]} at line ${syntax[1]}, column ${Number(syntax[2]) + 1}`;
  const line = firstLine(errorMessage(error));
  return /Maximum call stack size exceeded/.test(line) ? line.replace(/Maximum call stack size exceeded/, 'nested too deeply to read') : line;
}

function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim().length > 0)?.trim() ?? 'unknown error';
}
