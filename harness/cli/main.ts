import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError } from 'commander';
import { DrillbitError, ExitCode, errorMessage } from '../errors.ts';
import type { CliEnvironment } from './cli-environment.ts';
import { choiceValue, httpUrlValue, listValue, portValue, positiveInt, ratioValue, regexValue, seedValue, shardValue } from './options.ts';
import type { RunFlags } from './run-command.ts';
import type { GateOn } from '../gate/pass-rate-gate.ts';
import { installSignalHandlers } from './signals.ts';

const GATE_MODES: readonly GateOn[] = ['lower-bound', 'observed'];
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The `drillbit` command. Returns the exit code (DESIGN.md §3); never throws. */
export async function main(argv: string[], overrides: Partial<CliEnvironment> = {}): Promise<number> {
  const signals = overrides.signal ? undefined : installSignalHandlers((text) => process.stderr.write(text));
  const cli: CliEnvironment = {
    cwd: process.cwd(),
    stateDir: resolve(process.env.DRILLBIT_HOME ?? resolve(overrides.cwd ?? process.cwd(), '.drillbit')),
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    tty: Boolean(process.stdout.isTTY) && !process.env.CI,
    signal: signals?.signal ?? new AbortController().signal,
    version: VERSION,
    stepSummaryPath: process.env.GITHUB_STEP_SUMMARY || undefined,
    ...overrides,
  };
  let exitCode: number = ExitCode.ok;
  const program = buildProgram(cli, (code) => (exitCode = code));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    return reportError(error, cli);
  } finally {
    signals?.dispose();
  }
}

// Command modules load when their command runs, so `--help` and `--version` stay fast.
function buildProgram(cli: CliEnvironment, setExit: (code: number) => void): Command {
  const program = new Command('drillbit')
    .description('Chaos and rollback verification: failure scenarios as code, verified rollbacks.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: cli.stdout, writeErr: cli.stderr })
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('run')
    .description('run scenarios (files or folders; default scenarios/)')
    .argument('[paths...]', 'scenario files or folders')
    .option('--driver <name>', 'where the environment runs: local, docker', 'local')
    .option('--reporter <list>', 'comma list of reporters: list, json, junit, prom, html', listValue, ['list', 'json'])
    .option('--output <dir>', 'output directory (default reports/<runId>/)')
    .option('--repeat <n>', 'run each scenario n times', positiveInt('--repeat', 1000), 1)
    .option('--parallel <n>', 'run n attempts at once', positiveInt('--parallel', 64), 1)
    .option('--seed <n>', 'root seed; replays fault timing, targets and traffic', seedValue)
    .option('--grep <regex>', 'only scenarios whose name matches', regexValue)
    .option('--shard <i/n>', 'only the i-th of n shards of the scenarios', shardValue)
    .option('--min-pass-rate <ratio>', "exit 0 when every scenario's share of passed attempts is at least this", ratioValue('--min-pass-rate'))
    .option('--gate-on <mode>', 'what --min-pass-rate compares: observed (default) or lower-bound (95% Wilson)', choiceValue('--gate-on', GATE_MODES))
    .option('--pushgateway <url>', 'push the run\'s Prometheus metrics there at the end (job drillbit, grouping run_id); implies --reporter prom', httpUrlValue('--pushgateway'))
    .option('--metrics-port <port>', 'serve live Prometheus metrics on 127.0.0.1:<port>/metrics during the run; implies --reporter prom', portValue('--metrics-port'))
    .option('--dry-run', 'print the plan, start nothing')
    .option('--verbose', 'print diagnostics')
    .action(async (paths: string[], flags: RunFlags) => setExit(await (await import('./run-command.ts')).runCommand(paths, flags, cli)));

  program
    .command('gate')
    .description('CI gate: exit 0 when every scenario\'s pass rate, over all attempts in the given runs, meets the minimum')
    .argument('<dirs...>', 'run output directories (or results.json files)')
    .requiredOption('--min-pass-rate <ratio>', 'the minimum pass rate per scenario', ratioValue('--min-pass-rate'))
    .option('--on <mode>', 'compare the 95% Wilson lower bound or the observed pass rate: lower-bound, observed', choiceValue('--on', GATE_MODES), 'lower-bound')
    .action(async (dirs: string[], flags: { minPassRate: number; on: GateOn }) => setExit(await (await import('../gate/gate-command.ts')).gateCommand(dirs, flags, cli)));

  program
    .command('merge-reports')
    .description('combine the outputs of several runs (e.g. shards) into one results.json, and junit.xml, metrics.prom, report.html when the inputs have them')
    .argument('<dirs...>', 'run output directories (or results.json files)')
    .option('--output <dir>', 'where the merged output goes (default reports/merged-<id>/)')
    .action(async (dirs: string[], flags: { output?: string }) => setExit(await (await import('../report/merge-reports-command.ts')).mergeReportsCommand(dirs, flags, cli)));

  program
    .command('validate')
    .description('check scenarios and their releases without running them')
    .argument('[paths...]', 'scenario files or folders')
    .option('--plan', 'also print each plan')
    .option('--driver <name>', 'the driver the scenarios are meant for: local, docker (docker releases may be local images)', 'local')
    .action(async (paths: string[], flags: { plan?: boolean; driver?: string }) => setExit(await (await import('./validate-command.ts')).validateCommand(paths, flags, cli)));

  program
    .command('list')
    .description('list scenarios')
    .argument('[paths...]', 'scenario files or folders')
    .action(async (paths: string[]) => setExit(await (await import('./validate-command.ts')).listCommand(paths, cli)));

  program
    .command('init')
    .description('write a scenario to start from')
    .argument('[file]', 'the new scenario file', 'scenarios/my-rollback.drill.ts')
    .action(async (file: string) => setExit(await (await import('./init-command.ts')).initCommand(file, cli)));

  program
    .command('clean')
    .description('reap what killed runs left: processes, pid files, fault undos (live runs are left alone)')
    .option('--dry-run', 'say what would be reaped, touch nothing')
    .action(async (flags: { dryRun?: boolean }) => setExit(await (await import('../clean/clean-command.ts')).cleanCommand(flags, cli)));

  program
    .command('report')
    .description("render a run's HTML report from results.json (or the journal of a killed run); --history: trends across runs")
    .argument('<dir>', "the run's output directory; with --history, the folder holding many")
    .option('--out <file>', 'where to write it (default DIR/report.html, or DIR/history.html)')
    .option('--history', 'pass rate and time to restore across the run directories under DIR')
    .option('--open', 'open it in the default browser')
    .action(async (dir: string, flags: { out?: string; history?: boolean; open?: boolean }) => setExit(await (await import('../report/report-command.ts')).reportCommand(dir, flags, cli)));

  const images = program.command('images').description('container images of release bundles (docker driver)');
  images
    .command('build')
    .description('build the release image of each bundle and tag it <repository>/<service>:<folder> (default: fixtures/, e.g. drillbit/shop:v1)')
    .argument('[paths...]', 'bundle folders, or folders holding them', [])
    .option('--repository <name>', 'repository part of the tags', 'drillbit')
    .option('--base <image>', 'base image in the engine (default: one built from this host\'s node)')
    .action(async (paths: string[], flags: { repository: string; base?: string }) => setExit(await (await import('./images-command.ts')).imagesBuildCommand(paths, flags, cli)));

  program
    .command('proxy')
    .description('run the fault proxy alone, with its Toxiproxy-compatible admin API, until Ctrl-C')
    .option('--listen <host:port>', 'address of the admin API (port 0: a free port)', '127.0.0.1:8474')
    .action(async (flags: { listen: string }) => setExit(await (await import('../proxy/proxy-command.ts')).proxyCommand(flags, cli)));

  return program;
}

function reportError(error: unknown, cli: CliEnvironment): number {
  if (error instanceof CommanderError) {
    // Commander has already printed its message; help and version are not errors.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return ExitCode.ok;
    return ExitCode.badInput;
  }
  if (error instanceof DrillbitError) {
    cli.stderr(`drillbit: ${error.message}\n`);
    if (error.hint) cli.stderr(`  hint: ${error.hint}\n`);
    return error.exitCode;
  }
  cli.stderr(`drillbit: internal error: ${errorMessage(error)}\n  this is a bug in drillbit; please report it with the stack below\n${error instanceof Error ? error.stack : ''}\n`);
  return ExitCode.failed;
}
