import { delimiter, isAbsolute, sep } from 'node:path';

/**
 * The variables a local replica takes from the environment `drillbit` runs in: where
 * programs, the user and the locale are, and the machine's CA settings — nothing of the
 * harness itself. NODE_OPTIONS, NODE_PATH, NODE_ENV, `npm_*`, INIT_CWD and the like are
 * left out on purpose: `npm run`'s and the harness's own (tsx loaders, test mode) would
 * change what a release does. A manifest sets what its release needs.
 */
export const INHERITED_ENV = ['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TMPDIR', 'PYENV_ROOT', 'NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR'] as const;

/** The base environment of every local replica, from the harness's own (`source`: process.env, read by the driver's caller). */
export function replicaBaseEnv(source: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const key of INHERITED_ENV) {
    const value = source[key];
    if (value !== undefined) picked[key] = value;
  }
  if (picked.PATH !== undefined) picked.PATH = hermeticPath(picked.PATH);
  return picked;
}

/**
 * PATH without what `npm run` (and npx) put in front of it — every `node_modules/.bin` from
 * the project up to `/`, and npm's `node-gyp-bin` — nor relative entries, which would depend
 * on the replica's working directory. Order is kept; duplicates go.
 */
export function hermeticPath(path: string): string {
  const kept: string[] = [];
  for (const entry of path.split(delimiter)) {
    if (entry === '' || !isAbsolute(entry)) continue;
    if (entry.split(sep).includes('node_modules')) continue;
    if (!kept.includes(entry)) kept.push(entry);
  }
  return kept.join(delimiter);
}
