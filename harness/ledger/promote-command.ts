import { ExitCode, badInput } from '../errors.ts';
import type { CliEnvironment } from '../cli/cli-environment.ts';
import { loadConfig } from '../config/config-loader.ts';
import { gatePassed, gateSpecSchema, scenarioGateChecks, type GateSpec } from './promotion-gate.ts';
import { registrations } from './release-registry.ts';
import { openLedger, type LedgerFlags } from './ledger-location.ts';
import { lastKnownGood } from './lkg.ts';

export interface PromoteFlags extends LedgerFlags {
  /** A gate named in the config. */
  gate?: string;
  /** Scenarios that must have passed on the release (added to the gate's). */
  scenario?: string[];
  minPassRate?: number;
  on?: 'observed' | 'lower-bound';
  minAttempts?: number;
  reason?: string;
}

/**
 * `drillbit promote SERVICE VERSION`: the release becomes the LKG when its gate passes;
 * otherwise the LKG is unchanged, the refusal is recorded, and each failed check is named.
 */
export async function promoteCommand(service: string, version: string, flags: PromoteFlags, cli: CliEnvironment): Promise<number> {
  const loaded = await loadConfig(cli.cwd, flags.config);
  const ledger = await openLedger(flags, cli, loaded);
  const spec = gateFrom(flags, loaded.config.gates);
  const entries = await ledger.trustedEntries();
  const registered = [...registrations(entries).values()].filter((e) => e.service === service);
  const release = registered.find((e) => e.version === version);
  if (!release) {
    throw badInput(`${service} ${version} is not registered in ${ledger.path}`, registered.length ? `registered versions of ${service}: ${registered.map((e) => e.version).join(', ')}` : `the ledger has no release of ${service}; \`drillbit run\` registers the releases it deploys`);
  }
  const checks = scenarioGateChecks(entries, service, release.digest, spec);
  const promoted = gatePassed(checks);
  await ledger.append({ type: 'promote', service, version, digest: release.digest, outcome: promoted ? 'promoted' : 'refused', gate: { checks }, ...(flags.reason ? { reason: flags.reason } : {}) });
  for (const check of checks) cli.stdout(`  ${check.passed ? 'ok  ' : 'FAIL'} ${check.name}: ${check.message}\n`);
  const lkg = lastKnownGood(await ledger.entries(), service);
  if (promoted) {
    cli.stdout(`promoted ${service} ${version} (${release.digest}): it is the LKG\n`);
    return ExitCode.ok;
  }
  const failedNames = checks.filter((c) => !c.passed).map((c) => c.name);
  cli.stdout(`refused: ${service} ${version} did not pass the gate (${failedNames.join('; ')}); the LKG is unchanged: ${lkg ? `${lkg.version} ${lkg.digest}` : 'none'}\n`);
  return ExitCode.failed;
}

function gateFrom(flags: PromoteFlags, gates: Record<string, GateSpec>): GateSpec {
  let base: GateSpec | undefined;
  if (flags.gate !== undefined) {
    base = gates[flags.gate];
    if (!base) throw badInput(`--gate ${flags.gate}: no such gate in the config`, Object.keys(gates).length ? `the config's gates are ${Object.keys(gates).join(', ')}` : 'define gates in drillbit.config.* (`gates: { production: { scenarios: [...] } }`), or name scenarios with --scenario');
  }
  const scenarios = [...(base?.scenarios ?? []), ...(flags.scenario ?? [])];
  if (scenarios.length === 0) throw badInput('promote needs a gate: --gate NAME (from the config) or --scenario "NAME" (repeatable)', 'a release becomes the LKG only when the scenarios of its gate passed on it');
  return gateSpecSchema.parse({
    ...base,
    scenarios,
    ...(flags.minPassRate !== undefined ? { minPassRate: flags.minPassRate } : {}),
    ...(flags.on !== undefined ? { on: flags.on } : {}),
    ...(flags.minAttempts !== undefined ? { minAttempts: flags.minAttempts } : {}),
  });
}
