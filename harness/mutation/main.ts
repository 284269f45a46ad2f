import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { renderSummary, summarizeMutation, type Explanations, type MutationReport } from './mutation-summary.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const OUT = join(ROOT, 'reports', 'mutation');
const EXPLANATIONS = join(import.meta.dirname, 'equivalent-mutants.json');

/**
 * `npm run mutate`: Stryker over the verdict core (stryker.config.mjs), timed, then
 * reports/mutation/summary.md from its mutation.json and equivalent-mutants.json.
 * `--summary-only` rewrites the summary from the last report; other arguments go to Stryker.
 * Exit: Stryker's own when it failed, else 0 (the score is reported, not a gate).
 */
export async function main(args: string[]): Promise<number> {
  const summaryOnly = args.includes('--summary-only');
  const strykerArgs = args.filter((a) => a !== '--summary-only');
  let durationMs: number | undefined;
  if (!summaryOnly) {
    const started = performance.now();
    const run = spawnSync(join(ROOT, 'node_modules', '.bin', 'stryker'), ['run', ...strykerArgs], { cwd: ROOT, stdio: 'inherit' });
    durationMs = performance.now() - started;
    if (run.status !== 0) return run.status ?? 1;
  }
  const report = JSON.parse(await readFile(join(OUT, 'mutation.json'), 'utf8')) as MutationReport;
  const explanations = JSON.parse(await readFile(EXPLANATIONS, 'utf8')) as Explanations;
  const summary = summarizeMutation(report, explanations);
  const command = ['npm run mutate', ...(strykerArgs.length ? ['--', ...strykerArgs] : [])].join(' ');
  const file = join(OUT, 'summary.md');
  await writeFile(file, renderSummary(summary, { durationMs, command }));
  const unexplained = summary.survivors.filter((s) => !s.explanation).length;
  console.log(`mutation score ${summary.total.score}% (${summary.total.coveredScore}% of covered code), ${summary.survivors.length} survivors, ${unexplained} unexplained: ${relative(process.cwd(), file)}`);
  return 0;
}
