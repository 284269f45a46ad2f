import { existsSync } from 'node:fs';
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { DrillbitError, ExitCode, badInput } from '../errors.ts';
import type { CliEnvironment } from './cli-environment.ts';
import { askServiceFlags } from './init-prompt.ts';
import { checkServiceInit, type InitFlags } from './init-service.ts';
import { nextCommands, serviceInitFiles, type InitFile } from './init-service-files.ts';

const TEMPLATE = `import { defineScenario, deploy, steady, expectRollback, verifyRestored } from 'drillbit';

/** A bad release goes out; the guard must roll it back to the last-known-good within the SLO. */
export default defineScenario({
  name: 'NAME',
  services: {
    shop: { releases: { good: 'fixtures/shop/v1', bad: 'fixtures/shop/v2-errors' }, replicas: 2 },
  },
  traffic: { target: 'shop', rate: 100, reads: ['/products'], writes: '/orders' },
  slo: { recoveryTime: '15s', availability: 0.9, p95: '250ms', dataLoss: 0 },
  guard: { errorRate: { above: 0.05, for: '2s' }, then: 'rollback' },
  steps: [deploy('shop', 'good'), steady('2s'), deploy('shop', 'bad'), expectRollback({ within: '5s' }), verifyRestored({ for: '2s' })],
});
`;
const SERVICE_FLAGS = ['service', 'command', 'health', 'portEnv', 'hostEnv', 'dataEnv', 'reads', 'writes', 'files', 'compose', 'image'] as const;
const EXAMPLE = 'drillbit init --service api --command "node server.mjs" --port-env PORT --health /healthz';

/**
 * Scaffolds drills. With `--service` (or the answers to a prompt on a terminal): a scenario and
 * the release bundles of the user's own service. With only a file: the example scenario of
 * Drillbit's sample shop. Never overwrites a file.
 */
export async function initCommand(file: string | undefined, flags: InitFlags, cli: CliEnvironment): Promise<number> {
  if (file !== undefined && !/\.drill\.ts$/.test(file)) throw badInput(`${file}: scenario files are named *.drill.ts`, 'e.g. drillbit init scenarios/my-rollback.drill.ts');
  const forService = SERVICE_FLAGS.some((flag) => flags[flag] !== undefined);
  if (!forService && file !== undefined) return initExample(file, cli);
  const answers = forService ? flags : await promptedFlags(cli);
  const { init, problems } = checkServiceInit(answers, cli.cwd);
  if (!init) throw new DrillbitError('bad-input', `init: ${problems.length === 1 ? problems[0] : `${problems.length} problems:\n  ${problems.join('\n  ')}`}`, { hint: `e.g. ${EXAMPLE}` });
  const scenarioFile = relative(cli.cwd, resolve(cli.cwd, file ?? join('scenarios', `${init.service}.drill.ts`)));
  const files = serviceInitFiles(init, scenarioFile);
  await writeAll(files, cli.cwd);
  cli.stdout(`${files.filter((f) => 'text' in f).map((f) => `wrote ${f.path}`).join('\n')}\n`);
  if (init.files.length > 0) cli.stdout(`copied ${init.files.join(', ')} into each release folder under releases/${init.service}/\n`);
  cli.stdout(`next (once ${JSON.stringify(init.command.join(' ') || init.images?.join(', '))} serves ${init.health}):\n${nextCommands(init, scenarioFile).map((c) => `  ${c}`).join('\n')}\n`);
  return ExitCode.ok;
}

async function promptedFlags(cli: CliEnvironment): Promise<InitFlags> {
  if (!cli.prompt) throw badInput('init: missing --service and --command (init asks for them only on a terminal, never under CI)', `e.g. ${EXAMPLE}`);
  cli.stdout('drillbit init: a scenario and the release folders of your service (Enter takes the default in brackets)\n');
  return askServiceFlags(cli.prompt);
}

async function initExample(file: string, cli: CliEnvironment): Promise<number> {
  const name = file.replace(/^.*\//, '').replace(/\.drill\.ts$/, '').replace(/[-_]+/g, ' ');
  await writeAll([{ path: file, text: TEMPLATE.replace('NAME', name) }], cli.cwd);
  cli.stdout(`wrote ${file}\nnext: drillbit validate ${file} && drillbit run ${file}\n`);
  return ExitCode.ok;
}

/** Checks every target first, so init writes all of its files or none. */
async function writeAll(files: InitFile[], cwd: string): Promise<void> {
  const existing = files.map((f) => f.path).filter((path) => existsSync(resolve(cwd, path)));
  if (existing.length > 0) throw badInput(`${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''}`, 'init never overwrites a file: move it away, or give another scenario file (drillbit init FILE) or --service name');
  for (const f of files) {
    const target = resolve(cwd, f.path);
    await mkdir(dirname(target), { recursive: true });
    if ('text' in f) await writeFile(target, f.text, { flag: 'wx' });
    else await cp(resolve(cwd, f.copyOf), target, { recursive: true, errorOnExist: true, force: false, verbatimSymlinks: false });
  }
}
