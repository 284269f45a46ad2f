import { DrillbitError } from '../errors.ts';
import { findScenarioFiles } from '../scenario/scenario-files.ts';
import { loadScenarios, type LoadedScenario } from '../scenario/scenario-loader.ts';
import { formatProblem, type Problem } from '../scenario/problem.ts';
import { checkReleaseReferences } from '../scenario/release-reference-check.ts';

/** Finds, loads and validates scenarios; every problem in every file is reported at once, as bad input. */
export async function loadValidScenarios(paths: string[], cwd: string, options: { checkReleases: boolean; allowImages?: boolean }): Promise<LoadedScenario[]> {
  const files = await findScenarioFiles(paths.length ? paths : ['scenarios'], cwd);
  if (files.length === 0) throw new DrillbitError('bad-input', `no scenario files in ${paths.join(', ') || 'scenarios'}`, { hint: 'scenario files in a folder are named *.drill.ts, *.drill.yaml or *.drill.json; `drillbit init` writes one' });
  const { scenarios, problems } = await loadScenarios(files, cwd);
  if (options.checkReleases) problems.push(...(await checkReleaseReferences(scenarios, cwd, { allowImages: options.allowImages })));
  if (problems.length) throw invalid(problems);
  return scenarios;
}

function invalid(problems: Problem[]): DrillbitError {
  const count = `${problems.length} problem${problems.length === 1 ? '' : 's'}`;
  return new DrillbitError('bad-input', `invalid scenario (${count}):\n${problems.map((p) => `  ${formatProblem(p).replaceAll('\n', '\n      ')}`).join('\n')}`, {
    hint: 'fix the fields named above; `drillbit validate` checks scenarios without running them',
  });
}
