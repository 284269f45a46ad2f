import { ExitCode } from '../errors.ts';
import { describePlan } from '../scenario/plan.ts';
import type { CliEnvironment } from './cli-environment.ts';
import { loadValidScenarios } from './load-scenarios.ts';

/** Validates scenarios (schema, references, release bundles) without starting anything. */
export async function validateCommand(paths: string[], flags: { plan?: boolean; driver?: string }, cli: CliEnvironment): Promise<number> {
  const scenarios = await loadValidScenarios(paths, cli.cwd, { checkReleases: true, allowImages: (flags.driver ?? 'local') !== 'local' });
  for (const loaded of scenarios) {
    cli.stdout(`ok ${loaded.displayFile}: ${loaded.scenario.name}\n`);
    if (flags.plan) cli.stdout(`${describePlan(loaded, 0).join('\n')}\n`);
  }
  cli.stdout(`${scenarios.length} scenario${scenarios.length === 1 ? '' : 's'} valid\n`);
  return ExitCode.ok;
}

export async function listCommand(paths: string[], cli: CliEnvironment): Promise<number> {
  const scenarios = await loadValidScenarios(paths, cli.cwd, { checkReleases: false });
  for (const loaded of scenarios) cli.stdout(`${loaded.scenario.name}\t${loaded.displayFile}\t${loaded.scenario.steps.length} steps\n`);
  return ExitCode.ok;
}
