import { existsSync } from 'node:fs';
import { isAbsolute, normalize, relative, resolve } from 'node:path';

/** `drillbit init`'s flags for the user's own service, as commander gives them. */
export interface InitFlags {
  service?: string;
  command?: string;
  health?: string;
  portEnv?: string;
  hostEnv?: string;
  dataEnv?: string;
  reads?: string;
  writes?: string;
  files?: string;
  compose?: string;
  image?: string[];
}

/** What init writes for, checked: one service, its command as argv, how it gets its port. */
export interface ServiceInit {
  service: string;
  /** argv of release.json; empty with `images`. */
  command: string[];
  health: string;
  portEnv: string;
  hostEnv?: string;
  dataEnv?: string;
  reads: string[];
  writes?: string;
  /** Project files copied into every release bundle, relative to the project (cwd). */
  files: string[];
  compose?: string;
  /** The LKG's image and the candidate's, for the container drivers (no bundles then). */
  images?: [string, string];
}

export const INIT_DEFAULTS = { health: '/healthz', portEnv: 'PORT' } as const;

const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const HTTP_PATH = /^\/[^\s]*$/;
const SHELL_ONLY = /^(?:\||\|\||&&|;|>|>>|<|&)$/;

/** Every problem with the flags at once, each naming its flag with a hint; or the checked answers. */
export function checkServiceInit(flags: InitFlags, cwd: string): { init?: ServiceInit; problems: string[] } {
  const problems: string[] = [];
  const service = flags.service ?? '';
  if (!SERVICE_NAME.test(service)) problems.push(`--service: expected a name of letters, digits, ".", "_" or "-" (e.g. --service api), got ${JSON.stringify(service)}`);
  const images = checkImages(flags.image, problems);
  const command = images ? [] : checkCommand(flags.command, problems);
  const health = flags.health ?? INIT_DEFAULTS.health;
  if (!HTTP_PATH.test(health)) problems.push(`--health: expected a path starting with "/" that answers 200 when the service is ready (e.g. --health /healthz), got ${JSON.stringify(health)}`);
  const portEnv = flags.portEnv ?? INIT_DEFAULTS.portEnv;
  for (const [flag, value] of [['--port-env', portEnv], ['--host-env', flags.hostEnv], ['--data-env', flags.dataEnv]] as const) {
    if (value !== undefined && !ENV_NAME.test(value)) problems.push(`${flag}: expected an environment variable name (e.g. ${flag} ${flag === '--port-env' ? 'PORT' : flag === '--host-env' ? 'HOST' : 'DATA_DIR'}), got ${JSON.stringify(value)}`);
  }
  const envNames = [portEnv, flags.hostEnv, flags.dataEnv].filter((name) => name !== undefined);
  if (new Set(envNames).size < envNames.length) problems.push(`--port-env, --host-env and --data-env each need a variable of their own, got ${envNames.join(', ')}`);
  const reads = flags.reads === undefined ? [health] : splitList(flags.reads);
  const badReads = reads.length === 0 || reads.some((p) => !HTTP_PATH.test(p));
  if (flags.reads !== undefined && badReads) problems.push(`--reads: expected a comma list of paths starting with "/" that answer 2xx (e.g. --reads /,/products), got ${JSON.stringify(flags.reads)}`);
  if (flags.writes !== undefined && !HTTP_PATH.test(flags.writes)) problems.push(`--writes: expected a path starting with "/" that takes POST {"id": "…"} (e.g. --writes /orders), got ${JSON.stringify(flags.writes)}`);
  const files = images ? [] : checkFiles(flags.files, command, cwd, problems);
  if (flags.compose !== undefined && !existsSync(resolve(cwd, flags.compose))) problems.push(`--compose: ${flags.compose} not found (a compose file of the project, e.g. --compose docker-compose.yml)`);
  if (problems.length > 0) return { problems };
  const init: ServiceInit = { service, command, health, portEnv, reads, files };
  if (flags.hostEnv !== undefined) init.hostEnv = flags.hostEnv;
  if (flags.dataEnv !== undefined) init.dataEnv = flags.dataEnv;
  if (flags.writes !== undefined) init.writes = flags.writes;
  if (flags.compose !== undefined) init.compose = flags.compose;
  if (images) init.images = images;
  return { init, problems };
}

function checkImages(images: string[] | undefined, problems: string[]): [string, string] | undefined {
  if (images === undefined || images.length === 0) return undefined;
  const [lkg, candidate] = images;
  if (images.length !== 2 || !lkg || !candidate) {
    problems.push(`--image: give it twice, the last-known-good image and the candidate's (e.g. --image myapp:1.2 --image myapp:1.3), got ${images.length}`);
    return undefined;
  }
  return [lkg, candidate];
}

function checkCommand(line: string | undefined, problems: string[]): string[] {
  if (line === undefined || line.trim() === '') {
    problems.push('--command: missing: the command that starts the service in the foreground, run from its release folder (e.g. --command "node server.mjs")');
    return [];
  }
  const argv = splitCommand(line);
  if (argv === undefined) problems.push(`--command: unbalanced quotes in ${JSON.stringify(line)}`);
  else if (argv.some((word) => SHELL_ONLY.test(word))) problems.push(`--command: release.json runs a program, not a shell line; ${JSON.stringify(line)} uses a shell operator: give a program (e.g. --command "sh -c 'npm run build && node dist/main.js'")`);
  return argv ?? [];
}

/** Words of a command line, with '…' and "…" quoting and \ escapes as a shell reads them; undefined when a quote is open. */
export function splitCommand(line: string): string[] | undefined {
  const words: string[] = [];
  let word: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) word = `${word ?? ''}${line[++i]}`;
      else word = `${word ?? ''}${c}`;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (c === '\\' && i + 1 < line.length) word = (word ?? '') + line[++i];
    else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else word = (word ?? '') + c;
  }
  if (quote) return undefined;
  if (word !== undefined) words.push(word);
  return words;
}

/** `--files`, or else the command's words that name a file or folder of the project (`node server.mjs` → server.mjs). */
function checkFiles(list: string | undefined, command: string[], cwd: string, problems: string[]): string[] {
  const named = list === undefined ? command.filter((word) => isProjectPath(word, cwd) && existsSync(resolve(cwd, word))) : splitList(list);
  const files: string[] = [];
  for (const file of named) {
    if (!isProjectPath(file, cwd)) problems.push(`--files: ${file} is not inside the project: give paths relative to ${cwd} (the release bundle holds a copy of each)`);
    else if (!existsSync(resolve(cwd, file))) problems.push(`--files: ${file} not found in ${cwd}`);
    else files.push(normalize(file));
  }
  return [...new Set(files)];
}

function isProjectPath(word: string, cwd: string): boolean {
  if (word === '' || isAbsolute(word) || word.startsWith('-')) return false;
  const inside = relative(cwd, resolve(cwd, word));
  return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside) && !/^(?:releases|node_modules|\.drillbit)(?:\/|$)/.test(inside);
}

function splitList(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}
