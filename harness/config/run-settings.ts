import { DrillbitError } from '../errors.ts';
import { driverNames } from '../drivers/registry.ts';
import { displayPath } from '../release/bundle-loader.ts';
import { reporterNames } from '../report/reporter-registry.ts';
import { didYouMeanNote } from '../util/did-you-mean.ts';
import type { LoadedConfig } from './config-loader.ts';

/** What `drillbit run` was given on its command line; unset means "the config's, else the default". */
export interface RunSettingFlags {
  driver?: string;
  reporter?: string[];
  output?: string;
  parallel?: number;
  repeat?: number;
  seed?: number;
  grep?: RegExp;
}

export interface RunSettings {
  driver: string;
  reporters: string[];
  /** Absolute, with `{runId}` still in it; undefined: reports/<runId> under the working directory. */
  output?: string;
  parallel?: number;
  repeat: number;
  seed?: number;
  grep?: RegExp;
}

export const RUN_DEFAULTS = { driver: 'local', reporters: ['list', 'json'], repeat: 1 } as const;

/**
 * A flag, else the config's value, else the default — as Playwright's CLI over its config.
 * A config naming a driver or reporter that does not exist is bad input naming the file and field.
 */
export function resolveRunSettings(flags: RunSettingFlags, loaded: LoadedConfig): RunSettings {
  const { config, file } = loaded;
  const where = (field: string) => `${file ? displayPath(file) : 'drillbit.config'}: ${field}`;
  if (flags.driver === undefined && config.driver !== undefined && !driverNames().includes(config.driver)) {
    throw new DrillbitError('bad-input', `${where('driver')}: unknown driver ${JSON.stringify(config.driver)}${didYouMeanNote(config.driver, driverNames())}`, { hint: `choose from ${driverNames().join(', ')}` });
  }
  const unknownReporters = flags.reporter === undefined ? (config.reporters ?? []).filter((name) => !reporterNames.includes(name)) : [];
  if (unknownReporters.length) {
    throw new DrillbitError('bad-input', `${where('reporters')}: unknown reporter ${unknownReporters.map((n) => `${JSON.stringify(n)}${didYouMeanNote(n, reporterNames)}`).join(', ')}`, { hint: `choose from ${reporterNames.join(', ')}` });
  }
  const output = flags.output ?? config.output;
  const parallel = flags.parallel ?? config.parallel;
  const seed = flags.seed ?? config.seed;
  const grep = flags.grep ?? (config.grep === undefined ? undefined : new RegExp(config.grep));
  return {
    driver: flags.driver ?? config.driver ?? RUN_DEFAULTS.driver,
    reporters: flags.reporter ?? config.reporters ?? [...RUN_DEFAULTS.reporters],
    repeat: flags.repeat ?? config.repeat ?? RUN_DEFAULTS.repeat,
    ...(output === undefined ? {} : { output }),
    ...(parallel === undefined ? {} : { parallel }),
    ...(seed === undefined ? {} : { seed }),
    ...(grep === undefined ? {} : { grep }),
  };
}
