import { loadedForDriver } from '../scenario/driver-overrides.ts';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ExitCode, badInput } from '../errors.ts';
import { getDriver } from '../drivers/registry.ts';
import { assertEngineAllowed } from '../drivers/engine-locality.ts';
import { createReporters } from '../report/reporter-registry.ts';
import { ReporterMultiplexer } from '../report/reporter-multiplexer.ts';
import { JournalWriter } from '../report/journal-writer.ts';
import { describePlan } from '../scenario/plan.ts';
import type { LoadedScenario } from '../scenario/scenario-loader.ts';
import { attemptSeed, runDrills } from '../runner/run-drills.ts';
import { unsupportedReason } from '../runner/environment-preflight.ts';
import { allowExternalTargets } from '../runner/external-preflight.ts';
import { TargetAllowance } from '../scenario/target-allowance.ts';
import { randomSeed } from '../util/seeded-random.ts';
import { selectShard, shardInfo } from '../scenario/shard.ts';
import { evaluateGate, type GateOn } from '../gate/pass-rate-gate.ts';
import { formatGateTable } from '../gate/gate-output.ts';
import { consoleLogger } from './console-logger.ts';
import { useColour } from './colour.ts';
import { loadValidScenarios } from './load-scenarios.ts';
import type { CliEnvironment } from './cli-environment.ts';
import { loadConfig } from '../config/config-loader.ts';
import { resolveRunSettings } from '../config/run-settings.ts';
import { openLedger } from '../ledger/ledger-location.ts';
import { policyRules } from '../policy/policy-registry.ts';
import { chooseParallel, describeParallel } from '../runner/parallel-default.ts';

/** The flags of `drillbit run`; those the config can set are unset unless given (config/run-settings.ts). */
export interface RunFlags {
  driver?: string;
  reporter?: string[];
  output?: string;
  repeat?: number;
  /** Unset: chosen from the machine's cores (runner/parallel-default.ts). */
  parallel?: number;
  seed?: number;
  grep?: RegExp;
  shard?: { index: number; count: number };
  minPassRate?: number;
  /** What --min-pass-rate compares per scenario (observed: "at least this share passed", DESIGN.md §3). */
  gateOn?: GateOn;
  pushgateway?: string;
  metricsPort?: number;
  dryRun?: boolean;
  verbose?: boolean;
  ledger?: string;
  config?: string;
  /** A DOCKER_HOST on another machine is refused without it. */
  allowRemoteEngine?: boolean;
  /** Hosts (or host:port) besides loopback that a scenario's `external` dependencies may be on. */
  allowTarget?: string[];
}

export async function runCommand(paths: string[], flags: RunFlags, cli: CliEnvironment): Promise<number> {
  const loadedConfig = await loadConfig(cli.cwd, flags.config);
  const settings = resolveRunSettings(flags, loadedConfig);
  const driver = getDriver(settings.driver);
  assertEngineAllowed(driver as Parameters<typeof assertEngineAllowed>[0], flags.allowRemoteEngine);
  const { scenarios, shard } = select(await loadValidScenarios(paths, cli.cwd, { checkReleases: true, allowImages: settings.driver !== 'local' }), settings.grep, flags.shard);
  const seed = settings.seed ?? randomSeed();
  const allowance = TargetAllowance.parse(flags.allowTarget ?? []);
  const parallel = chooseParallel(settings.parallel);
  const repeat = settings.repeat;
  if (flags.dryRun) {
    const planned = allowExternalTargets(scenarios.map((l) => loadedForDriver(l, driver.name)), allowance);
    cli.stdout(`plan: ${scenarios.length} scenario${scenarios.length === 1 ? '' : 's'} × ${repeat} on driver ${driver.name}, seed ${seed}, ${describeParallel(parallel, scenarios.length * repeat)}\n`);
    for (const loaded of planned) {
      const skipped = unsupportedReason(loaded.scenario, driver);
      cli.stdout(`${describePlan(loaded, attemptSeed(seed, loaded, 1)).join('\n')}\n${skipped ? `  skipped on driver ${driver.name}: ${skipped}\n` : ''}`);
    }
    cli.stdout('dry run: nothing was started\n');
    return ExitCode.ok;
  }
  const runId = newRunId();
  const outputDir = resolve(cli.cwd, (settings.output ?? join('reports', '{runId}')).replaceAll('{runId}', runId));
  const log = consoleLogger(flags.verbose ?? false, cli.stderr);
  const reporter = new ReporterMultiplexer(
    [{ name: 'journal', reporter: new JournalWriter(join(outputDir, 'journal.ndjson')) }, ...createReporters(reporterNames(settings.reporters, flags), { outputDir, write: cli.stdout, tty: cli.tty, colour: useColour(cli.tty), columns: process.stdout.columns, prometheus: { pushgateway: flags.pushgateway, metricsPort: flags.metricsPort } })],
    log,
  );
  const results = await runDrills({
    runId,
    scenarios,
    driver,
    repeat,
    parallel: parallel.parallel,
    parallelChoice: parallel,
    seed,
    stateDir: cli.stateDir,
    storeDir: cli.storeDir,
    cwd: cli.cwd,
    reporter,
    signal: cli.signal,
    log,
    version: cli.version,
    shard,
    ledger: await openLedger(flags, cli, loadedConfig),
    policy: policyRules(loadedConfig.config.policy),
    gates: loadedConfig.config.gates,
    allowance,
  });
  cli.stdout(describeOutputs(outputDir, cli.cwd));
  if (results.aborted) return ExitCode.interrupted;
  if (flags.minPassRate !== undefined) {
    const gate = evaluateGate({ attempts: results.scenarios, minPassRate: flags.minPassRate, on: flags.gateOn ?? 'observed' });
    cli.stdout(`\n${formatGateTable(gate)}`);
    return gate.met ? ExitCode.ok : ExitCode.failed;
  }
  return results.summary.passed === results.summary.total ? ExitCode.ok : ExitCode.failed;
}

function select(scenarios: LoadedScenario[], grep: RegExp | undefined, shardFlag: RunFlags['shard']): { scenarios: LoadedScenario[]; shard?: ReturnType<typeof shardInfo> } {
  const selected = grep ? scenarios.filter((s) => grep.test(s.scenario.name)) : scenarios;
  if (selected.length === 0) throw badInput(`--grep ${grep}: no scenario name matches`, `the scenarios are ${scenarios.map((s) => JSON.stringify(s.scenario.name)).join(', ')}`);
  if (!shardFlag) return { scenarios: selected };
  return { scenarios: selectShard(selected, shardFlag), shard: shardInfo(selected, shardFlag) };
}

/**
 * results.json is the contract that gate, report and merge-reports read, so `json` is always
 * among them, whatever --reporter lists; --pushgateway and --metrics-port are the prom
 * reporter's options, so they bring it along.
 */
function reporterNames(reporters: readonly string[], flags: RunFlags): string[] {
  const wantsProm = flags.pushgateway !== undefined || flags.metricsPort !== undefined;
  return [...new Set([...reporters, 'json', ...(wantsProm ? ['prom'] : [])])];
}

/** The files the run wrote, each by its path, so the next command can be pasted. */
function describeOutputs(outputDir: string, cwd: string): string {
  const written = RUN_OUTPUTS.filter((file) => existsSync(join(outputDir, file))).map((file) => relativeOrAbsolute(cwd, join(outputDir, file)));
  return written.map((path, i) => `${i === 0 ? 'outputs:' : '        '} ${path}\n`).join('');
}

/** What a run can write into its output directory, in the order a person looks for them. */
const RUN_OUTPUTS = ['results.json', 'report.html', 'junit.xml', 'metrics.prom', 'journal.ndjson'];

function newRunId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

function relativeOrAbsolute(cwd: string, path: string): string {
  return path.startsWith(`${cwd}/`) ? path.slice(cwd.length + 1) : path;
}
