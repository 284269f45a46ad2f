import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Where the release store is, from the CLI's environment: `DRILLBIT_STORE`; else
 * `<DRILLBIT_HOME>/store` when DRILLBIT_HOME is set; else the user's cache
 * (`$XDG_CACHE_HOME/drillbit/store`, `~/.cache/drillbit/store`). Never under the project by
 * default: a local replica runs from the store, and the project's `package.json` and
 * `node_modules` above it would change what a release does (store-surroundings.ts).
 */
export function releaseStoreDir(env: Readonly<Record<string, string | undefined>>, cwd: string): string {
  if (env.DRILLBIT_STORE) return resolve(cwd, env.DRILLBIT_STORE);
  if (env.DRILLBIT_HOME) return join(resolve(cwd, env.DRILLBIT_HOME), 'store');
  const home = env.HOME || homedir() || tmpdir();
  const cache = env.XDG_CACHE_HOME ? resolve(cwd, env.XDG_CACHE_HOME) : join(home, '.cache');
  return join(cache, 'drillbit', 'store');
}
