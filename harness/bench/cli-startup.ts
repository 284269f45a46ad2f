import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface CliStartup {
  /** `node bin/drillbit.mjs --version`, spawn to exit. */
  versionMs: number[];
  /** `node -e 0`: what any Node CLI pays before its first line runs. */
  bareNodeMs: number[];
  version: string;
}

/** Wall time of the CLI doing nothing but start; one discarded warm-up each, so the file cache is warm. */
export async function measureCliStartup(root: string, runs: number, signal: AbortSignal): Promise<CliStartup> {
  const cli = [join(root, 'bin', 'drillbit.mjs'), '--version'];
  const bare = ['-e', '0'];
  const version = (await timed(cli, root, signal)).stdout.trim();
  await timed(bare, root, signal);
  const result: CliStartup = { versionMs: [], bareNodeMs: [], version };
  for (let i = 0; i < runs && !signal.aborted; i++) {
    result.versionMs.push((await timed(cli, root, signal)).ms);
    result.bareNodeMs.push((await timed(bare, root, signal)).ms);
  }
  return result;
}

async function timed(args: string[], cwd: string, signal: AbortSignal): Promise<{ ms: number; stdout: string }> {
  const started = performance.now();
  const { stdout } = await run(process.execPath, args, { cwd, signal, timeout: 30_000 });
  return { ms: Math.round(performance.now() - started), stdout };
}
