import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError } from 'commander';
import { DrillbitError, ExitCode, errorMessage } from '../errors.ts';
import type { CliEnvironment } from './cli-environment.ts';
import { allowTargetValue, choiceValue, httpUrlValue, listValue, portValue, positiveInt, ratioValue, regexValue, seedValue, shardValue } from './options.ts';
import type { RunFlags } from './run-command.ts';
import type { GateOn } from '../gate/pass-rate-gate.ts';
import { installSignalHandlers } from './signals.ts';
import { redact } from '../secrets/redaction.ts';
import { actorFromEnvironment } from '../ledger/identity.ts';
import { releaseStoreDir } from '../release/store-location.ts';
import { terminalPrompt } from './init-prompt.ts';
import type { InitFlags } from './init-service.ts';

const GATE_MODES: readonly GateOn[] = ['lower-bound', 'observed'];
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The `drillbit` command. Returns the exit code (DESIGN.md §3); never throws. */
export async function main(argv: string[], overrides: Partial<CliEnvironment> = {}): Promise<number> {
  const signals = overrides.signal ? undefined : installSignalHandlers((text) => process.stderr.write(text));
  const cli: CliEnvironment = {
    cwd: process.cwd(),
    stateDir: resolve(process.env.DRILLBIT_HOME ?? resolve(overrides.cwd ?? process.cwd(), '.drillbit')),
    storeDir: releaseStoreDir(process.env, overrides.cwd ?? process.cwd()),
    stdout: (t) => process.stdout.write(redact(t)),
    stderr: (t) => process.stderr.write(redact(t)),
    tty: Boolean(process.stdout.isTTY) && !process.env.CI,
    signal: signals?.signal ?? new AbortController().signal,
    version: VERSION,
    stepSummaryPath: process.env.GITHUB_STEP_SUMMARY || undefined,
    ledgerPath: process.env.DRILLBIT_LEDGER || undefined,
    actor: actorFromEnvironment(process.env),
    prompt: process.stdin.isTTY && process.stdout.isTTY && !process.env.CI ? terminalPrompt : undefined,
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
    .option('--driver <name>', 'where the environment runs: local, docker, swarm (default: the config\'s driver, else local)')
    .option('--reporter <list>', 'comma list of reporters: list, json, junit, prom, html (default: the config\'s reporters, else list,json; json is always written)', listValue)
    .option('--output <dir>', 'output directory (default: the config\'s output, else reports/<runId>/)')
    .option('--repeat <n>', 'run each scenario n times (default: the config\'s repeat, else 1)', positiveInt('--repeat', 1000))
    .option('--parallel <n>', 'run n attempts at once (default: what the machine holds, 70% of its cores at 0.5 core a drill)', positiveInt('--parallel', 64))
    .option('--seed <n>', 'root seed; replays fault timing, targets and traffic', seedValue)
    .option('--grep <regex>', 'only scenarios whose name matches', regexValue)
    .option('--shard <i/n>', 'only the i-th of n shards of the scenarios', shardValue)
    .option('--min-pass-rate <ratio>', "exit 0 when every scenario's share of passed attempts is at least this", ratioValue('--min-pass-rate'))
    .option('--gate-on <mode>', 'what --min-pass-rate compares: observed (default) or lower-bound (95% Wilson)', choiceValue('--gate-on', GATE_MODES))
    .option('--pushgateway <url>', 'push the run\'s Prometheus metrics there at the end (job drillbit, grouping run_id); implies --reporter prom', httpUrlValue('--pushgateway'))
    .option('--metrics-port <port>', 'serve live Prometheus metrics on 127.0.0.1:<port>/metrics during the run; implies --reporter prom', portValue('--metrics-port'))
    .option('--dry-run', 'print the plan, start nothing')
    .option('--allow-target <host>', 'let a scenario\'s external dependencies on this host (or host:port) be called and faulted; loopback needs no flag; once per host', allowTargetValue)
    .option('--allow-remote-engine', 'allow a DOCKER_HOST on another machine (refused otherwise: a drill kills and pauses what it deploys)')
    .option('--verbose', 'print diagnostics')
    .option('--ledger <file>', 'the release ledger the run registers releases and records deploys, promotions, rollbacks and verdicts in (default: $DRILLBIT_LEDGER, the config\'s, or .drillbit/ledger.ndjson)')
    .option('--config <file>', 'the config file: ledger, policy rules, promotion gates, defaults of these flags (default: drillbit.config.* here)')
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
    .description('write drills and release folders for your service (asks on a terminal without flags); with only FILE, the example scenario of the sample shop')
    .argument('[file]', 'the scenario file to write (default scenarios/<service>.drill.ts)')
    .option('--service <name>', 'the service to drill')
    .option('--command <line>', 'what starts it in the foreground, run from its release folder, e.g. "node server.mjs"')
    .option('--port-env <name>', 'the environment variable it reads its port from (PORT)')
    .option('--health <path>', 'the path that answers 200 once it is ready (/healthz)')
    .option('--host-env <name>', 'the variable it reads the address to listen on from')
    .option('--data-env <name>', 'the variable it reads its state folder from (kept across deploys and rollbacks)')
    .option('--reads <paths>', 'comma list of paths the traffic reads (the health path)')
    .option('--writes <path>', 'a path taking POST {"id"} whose ids GET lists back: no acknowledged write may be lost')
    .option('--files <paths>', "comma list of the project's files copied into each release (the command's words that name files)")
    .option('--compose <file>', 'a compose file the drills run in (--driver docker or swarm)')
    .option('--image <ref>', 'an image of the service, twice: the last-known-good, then the candidate (container drivers; no release folders)', (ref: string, refs: string[] = []) => [...refs, ref])
    .action(async (file: string | undefined, flags: InitFlags) => setExit(await (await import('./init-command.ts')).initCommand(file, flags, cli)));

  program
    .command('clean')
    .description('reap what killed runs left: processes, pid files, fault undos (live runs are left alone)')
    .option('--dry-run', 'say what would be reaped, touch nothing')
    .option('--orphans', 'also remove containers, networks and volumes of runs whose work dir no longer exists on this machine (local engine only)')
    .action(async (flags: { dryRun?: boolean; orphans?: boolean }) => setExit(await (await import('../clean/clean-command.ts')).cleanCommand(flags, cli)));

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

  const ledger = program.command('ledger').description('the release ledger: registrations, deploys, validations, promotions and rollbacks, hash-chained');
  const ledgerOptions = (command: Command) =>
    command.option('--ledger <file>', 'the ledger (default: $DRILLBIT_LEDGER, the config\'s ledger, or .drillbit/ledger.ndjson)').option('--config <file>', 'the config file (default: drillbit.config.* here)');
  ledgerOptions(ledger.command('show').description('print the lineage as a table').option('--service <name>', 'only entries about this service').option('--json', 'the entries as JSON'))
    .action(async (flags: { service?: string; json?: boolean; ledger?: string; config?: string }) => setExit(await (await import('../ledger/ledger-command.ts')).ledgerShowCommand(flags, cli)));
  ledgerOptions(ledger.command('verify').description('check the hash chain: exit 1 naming each edited, reordered or deleted entry'))
    .action(async (flags: { ledger?: string; config?: string }) => setExit(await (await import('../ledger/ledger-command.ts')).ledgerVerifyCommand(flags, cli)));
  ledgerOptions(ledger.command('lkg').description("print a service's last-known-good release").argument('<service>'))
    .action(async (service: string, flags: { ledger?: string; config?: string }) => setExit(await (await import('../ledger/ledger-command.ts')).ledgerLkgCommand(service, flags, cli)));

  ledgerOptions(
    program
      .command('promote')
      .description('make a registered release the LKG when its promotion gate passes (exit 1 when it does not; the LKG is then unchanged)')
      .argument('<service>')
      .argument('<version>', 'the version label it was registered with')
      .option('--gate <name>', 'a gate from the config')
      .option('--scenario <name>', 'a scenario that must have passed on the release (repeatable)', (value: string, previous: string[] = []) => [...previous, value])
      .option('--min-pass-rate <ratio>', 'least share of passed attempts per scenario (default 1)', ratioValue('--min-pass-rate'))
      .option('--on <mode>', 'compare the observed pass rate or its 95% Wilson lower bound: observed, lower-bound', choiceValue('--on', GATE_MODES))
      .option('--min-attempts <n>', 'fewest recorded attempts per scenario (default 1)', positiveInt('--min-attempts', 10_000))
      .option('--reason <text>', 'why, for the ledger'),
  ).action(async (service: string, version: string, flags: Record<string, never>) => setExit(await (await import('../ledger/promote-command.ts')).promoteCommand(service, version, flags, cli)));

  ledgerOptions(
    program
      .command('drift')
      .description('compare what a live run really runs with what the ledger says it deployed (exit 1 on drift)')
      .option('--run <runId>', 'the run (default: the newest in the ledger)'),
  ).action(async (flags: { run?: string; ledger?: string; config?: string }) => setExit(await (await import('../drift/drift-command.ts')).driftCommand(flags, cli)));

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
