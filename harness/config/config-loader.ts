import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { DrillbitError, errorMessage } from '../errors.ts';
import { displayPath, formatIssues } from '../release/bundle-loader.ts';
import { configSchema, type DrillbitConfig } from './drillbit-config.ts';
import { describeYamlError } from '../util/yaml-error.ts';

export const CONFIG_FILES = ['drillbit.config.ts', 'drillbit.config.mts', 'drillbit.config.json', 'drillbit.config.yaml', 'drillbit.config.yml'];
const HINT = 'drillbit.config.* holds { ledger, policy, gates } and the defaults of drillbit run: { driver, reporters, output, parallel, repeat, seed, grep } (README "Config defaults")';

export interface LoadedConfig {
  config: DrillbitConfig;
  /** The file it came from; undefined when there is none (the defaults). */
  file?: string;
}

/** The config named by `--config`, else the first drillbit.config.* in `cwd`, else the defaults. */
export async function loadConfig(cwd: string, explicit?: string): Promise<LoadedConfig> {
  const file = explicit ? resolve(cwd, explicit) : CONFIG_FILES.map((name) => join(cwd, name)).find((path) => existsSync(path));
  if (!file) return { config: configSchema.parse({}) };
  if (!existsSync(file)) throw new DrillbitError('bad-input', `--config ${explicit}: no such file`, { hint: HINT });
  const raw = await readValue(file);
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    throw new DrillbitError('bad-input', formatIssues(parsed.error.issues, raw, configSchema).map((p) => `${displayPath(file)}: ${p}`).join('\n'), { hint: HINT });
  }
  const config = parsed.data;
  if (config.ledger && !isAbsolute(config.ledger)) config.ledger = resolve(dirname(file), config.ledger);
  if (config.output && !isAbsolute(config.output)) config.output = resolve(dirname(file), config.output);
  return { config, file };
}

async function readValue(file: string): Promise<unknown> {
  let text: string | undefined;
  try {
    const extension = extname(file);
    if (extension === '.ts' || extension === '.mts') {
      const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      return module.default ?? module.config;
    }
    text = await readFile(file, 'utf8');
    return extension === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    const yaml = text === undefined ? undefined : describeYamlError(error, text);
    throw new DrillbitError('bad-input', `${displayPath(file)}: could not load: ${yaml?.replaceAll('\n', '\n    ') ?? errorMessage(error).split('\n')[0]}`, { hint: HINT });
  }
}
