import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../harness/cli/main.ts';
import { projectRoot } from './drill-harness.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `drillbit …` in this process (no tsx start-up), with output captured and env kept out. */
export async function drillbitInProcess(args: string[], options: { cwd?: string; stateDir?: string; stepSummaryPath?: string } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'drillbit-cli-state-'));
  const code = await main(args, {
    cwd: options.cwd ?? projectRoot,
    stateDir,
    storeDir: join(stateDir, 'store'),
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    tty: false,
    signal: new AbortController().signal,
    // Set even when undefined, so a CI's own $GITHUB_STEP_SUMMARY is never written by a test.
    stepSummaryPath: options.stepSummaryPath,
  });
  return { code, stdout, stderr };
}
