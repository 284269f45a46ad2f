import { execFile } from 'node:child_process';
import { basename, dirname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { DrillbitError, errorMessage } from '../../errors.ts';
import { displayPath } from '../../release/bundle-loader.ts';
import { normalizeComposeConfig, type ComposeStack } from './compose-stack.ts';

/** The compose tool: v1 (`docker-compose`, Python) is what this machine kind has; `['docker', 'compose']` works as well. */
export const DEFAULT_COMPOSE_COMMAND: readonly string[] = ['docker-compose'];

const CONFIG_TIMEOUT_MS = 60_000;

/**
 * Reads a compose file the way the compose tool does: `docker-compose -f <file> config`
 * validates it, interpolates `${VAR}` and `.env`, resolves relative paths and prints the
 * normalized file, which is what Drillbit reads. A file the tool rejects is bad input with
 * the tool's own message, naming the file; no compose tool is an infrastructure error.
 */
export async function loadComposeStack(file: string, command: readonly string[] = DEFAULT_COMPOSE_COMMAND): Promise<ComposeStack> {
  const display = displayPath(file);
  const { stdout, stderr } = await runComposeConfig(file, command, display);
  let config: unknown;
  try {
    config = parseYaml(stdout, { maxAliasCount: 100 });
  } catch (error) {
    throw new DrillbitError('infrastructure', `${display}: could not read the output of \`${command.join(' ')} config\`: ${errorMessage(error)}`);
  }
  const warnings = stderr.split('\n').map((l) => l.trim()).filter((l) => l.length > 0).map((l) => `${display}: ${l.replace(/^WARNING:\s*/, '')}`);
  return normalizeComposeConfig(config, file, warnings);
}

function runComposeConfig(file: string, command: readonly string[], display: string): Promise<{ stdout: string; stderr: string }> {
  const [tool, ...args] = command;
  // Run from the file's folder, as compose does: relative paths and .env are the file's.
  const argv = [...args, '-f', basename(file), 'config'];
  return new Promise((resolve, reject) => {
    execFile(tool!, argv, { cwd: dirname(file), timeout: CONFIG_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve({ stdout, stderr });
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return reject(new DrillbitError('infrastructure', `${display}: \`${tool}\` is not installed; compose environments need the compose tool to read the file`, { hint: 'install it (apt-get install docker-compose) or run scenarios without environment.compose' }));
      }
      const message = composeMessage(stderr) || errorMessage(error);
      reject(new DrillbitError('bad-input', `${display}: ${message}`, { hint: `\`${[...command, '-f', display, 'config'].join(' ')}\` shows the same; fix the compose file` }));
    });
  });
}

/** The tool's message without Python's traceback noise; every line it printed otherwise. */
function composeMessage(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim().length > 0);
  const traceback = lines.findIndex((l) => l.startsWith('Traceback'));
  const kept = traceback === -1 ? lines : lines.slice(traceback).filter((l) => !/^(Traceback|\s+File |\s{4})/.test(l));
  return kept.join('\n').trim();
}
