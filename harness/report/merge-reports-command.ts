import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { ExitCode, badInput } from '../errors.ts';
import type { CliEnvironment } from '../cli/cli-environment.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import type { RunResults } from '../verdict/results.ts';
import { DrillMetrics } from './drill-metrics.ts';
import { renderJunitXml } from './junit-reporter.ts';
import { mergeRuns } from './merge-results.ts';
import { readResultsSource, type ResultsSource } from './results-reader.ts';
import { expandRunArguments } from './run-arguments.ts';

/** The outputs besides results.json that a merge rebuilds, each only when some input has it. */
const OUTPUTS: { file: string; render: (run: RunResults) => Promise<string> }[] = [
  { file: 'junit.xml', render: async (run) => renderJunitXml(run) },
  { file: 'metrics.prom', render: renderMetrics },
  { file: 'report.html', render: renderHtml },
];

/**
 * `drillbit merge-reports DIRS…`: one results.json from several runs (the shards of a run),
 * plus junit.xml, metrics.prom and report.html when the inputs have them. Exit 0 once
 * merged (it is not a gate: use `drillbit gate` on the output); 2 when an input is missing
 * or damaged, after writing what could be read, marked incomplete.
 */
export async function mergeReportsCommand(dirs: string[], flags: { output?: string }, cli: CliEnvironment): Promise<number> {
  const { inputs, notes } = expandRunArguments(dirs, cli.cwd);
  for (const note of notes) cli.stderr(`drillbit: note: ${note}\n`);
  if (inputs.length === 0) throw badInput(`${dirs.join(' ')}: no run among them`, 'pass the output directories of drillbit run, or the folder that holds them (e.g. reports/)');
  const runId = `merged-${new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}-${randomBytes(3).toString('hex')}`;
  const outputDir = resolve(cli.cwd, flags.output ?? join('reports', runId));
  if (inputs.map((p) => (p.endsWith('.json') ? dirname(p) : p)).includes(outputDir)) throw badInput(`--output ${flags.output}: is one of the inputs`, 'merge into a new directory; the inputs are never overwritten');
  const sources = await Promise.all(inputs.map(readResultsSource));
  const readable = sources.filter((s): s is ResultsSource & { run: RunResults } => s.run !== undefined);
  const problems = sources.flatMap((s) => s.problems);
  if (readable.length === 0) return failNothingRead(problems, cli);

  const merged = mergeRuns(readable, runId);
  await writeFileAtomic(join(outputDir, 'results.json'), JSON.stringify(merged, null, 2));
  const written = ['results.json'];
  for (const output of OUTPUTS) {
    if (!readable.some((s) => existsSync(join(dirname(s.path), output.file)))) continue;
    await writeFileAtomic(join(outputDir, output.file), await output.render(merged));
    written.push(output.file);
  }
  cli.stdout(`merged ${merged.summary.total} attempts (${merged.summary.passed} passed) from ${readable.length} of ${sources.length} runs into ${outputDir}: ${written.join(', ')}\n`);
  for (const warning of merged.merged!.warnings) cli.stdout(`  warning: ${warning}\n`);
  if (problems.length === 0) return ExitCode.ok;
  cli.stderr(`drillbit: bad input: the merge is INCOMPLETE:\n${problems.map((p) => `  ${p}`).join('\n')}\n  hint: what could be read was merged and marked incomplete (merged.incomplete in results.json)\n`);
  return ExitCode.badInput;
}

function failNothingRead(problems: string[], cli: CliEnvironment): number {
  cli.stderr(`drillbit: bad input: nothing to merge:\n${problems.map((p) => `  ${p}`).join('\n')}\n  hint: pass the output directories of drillbit run (each holds a results.json)\n`);
  return ExitCode.badInput;
}

async function renderMetrics(run: RunResults): Promise<string> {
  const metrics = new DrillMetrics();
  metrics.runSeen(run);
  for (const scenario of run.scenarios) metrics.scenarioEnded(scenario, { wasInProgress: false });
  return metrics.text();
}

/** The HTML report is rendered by its own module, loaded only when an input has a report. */
async function renderHtml(run: RunResults): Promise<string> {
  const { renderHtmlReport, loadChartAssets } = await import('./html-report.ts');
  const info = run.merged!;
  return renderHtmlReport(run, {
    assets: loadChartAssets(),
    incomplete: info.incomplete ? 'incomplete: some inputs of this merge could not be read whole' : undefined,
    notices: [
      { level: 'info', text: `merged from ${info.sources.length} runs: ${info.sources.map((s) => `${s.runId}${s.shard ? ` (shard ${s.shard.index}/${s.shard.count})` : ''}`).join(', ')}` },
      ...info.warnings.map((text) => ({ level: 'warning' as const, text })),
    ],
    source: info.sources.map((s) => s.path).join(', '),
  });
}
