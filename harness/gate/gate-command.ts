import { appendFile } from 'node:fs/promises';
import { ExitCode, badInput } from '../errors.ts';
import type { CliEnvironment } from '../cli/cli-environment.ts';
import { readResultsSource } from '../report/results-reader.ts';
import { expandRunArguments } from '../report/run-arguments.ts';
import { formatGateMarkdown, formatGateTable } from './gate-output.ts';
import { evaluateGate, type GateOn } from './pass-rate-gate.ts';

export interface GateFlags {
  minPassRate: number;
  on: GateOn;
}

/**
 * `drillbit gate DIRS…`: combines every attempt of each scenario across the runs' results
 * and exits 0 when each meets the minimum, 1 when one does not, 2 when an input is bad —
 * after reporting whatever could be read, marked incomplete.
 */
export async function gateCommand(dirs: string[], flags: GateFlags, cli: CliEnvironment): Promise<number> {
  const { inputs, notes: passedOver } = expandRunArguments(dirs, cli.cwd);
  if (inputs.length === 0) throw badInput(`${dirs.join(' ')}: no run among them (${passedOver.join('; ')})`, 'pass the output directories of drillbit run, or the folder that holds them (e.g. reports/)');
  const sources = await Promise.all(inputs.map(readResultsSource));
  const runs = sources.flatMap((s) => (s.run ? [s.run] : []));
  const incomplete = sources.some((s) => !s.complete);
  const gate = evaluateGate({
    attempts: runs.flatMap((run) => run.scenarios),
    minPassRate: flags.minPassRate,
    on: flags.on,
    aborted: runs.some((run) => run.aborted),
    incomplete,
  });
  const skipped = runs.flatMap((run) => (Array.isArray(run.skipped) ? run.skipped.map((s) => `skipped, so not gated: ${s.name} (${s.file}) on driver ${run.driver}: ${s.reason}`) : []));
  const notes = [`read ${runs.reduce((n, run) => n + run.scenarios.length, 0)} attempts from ${runs.length} of ${sources.length} results file${sources.length === 1 ? '' : 's'}${incomplete ? ' (INCOMPLETE: see the errors below)' : ''}`, ...passedOver, ...skipped];
  cli.stdout(formatGateTable(gate, notes));
  if (cli.stepSummaryPath) await appendFile(cli.stepSummaryPath, formatGateMarkdown(gate, [...notes, ...sources.flatMap((s) => s.problems)]));
  const problems = sources.flatMap((s) => s.problems);
  if (problems.length) {
    cli.stderr(`drillbit: bad input: ${problems.length} problem${problems.length === 1 ? '' : 's'} reading results:\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
    cli.stderr('  hint: the gate above counts only what could be read; rerun the drill or pass the right directories\n');
    return ExitCode.badInput;
  }
  return gate.met ? ExitCode.ok : ExitCode.failed;
}
