import { short } from '../checks/lkg-equality-check.ts';
import type { ReleasesByService } from '../drivers/driver.ts';
import { DrillbitError } from '../errors.ts';
import type { LoadedScenario } from '../scenario/scenario-loader.ts';
import type { Ledger } from './ledger.ts';

/**
 * For services with `lkgFromLedger`, the scenario's release that is the ledger's current
 * LKG (by digest): what the drill rolls back to and verifies. No ledger, no LKG, or an LKG
 * that is none of the scenario's releases is bad input, before anything starts.
 */
export async function ledgerLkgs(scenarios: readonly { loaded: LoadedScenario; releases: ReleasesByService }[], ledger: Ledger | undefined): Promise<Map<LoadedScenario, Map<string, string>>> {
  const result = new Map<LoadedScenario, Map<string, string>>();
  const problems: string[] = [];
  for (const { loaded, releases } of scenarios) {
    const names = new Map<string, string>();
    for (const [service, spec] of Object.entries(loaded.scenario.services)) {
      if (!spec.lkgFromLedger) continue;
      const where = `${loaded.displayFile}: services.${service}.lkgFromLedger`;
      if (!ledger) {
        problems.push(`${where}: the run keeps no ledger`);
        continue;
      }
      const lkg = await ledger.lkg(service);
      if (!lkg) {
        problems.push(`${where}: ledger ${ledger.path} has no LKG of ${service} (no release of it has passed a promotion gate)`);
        continue;
      }
      const match = [...(releases.get(service) ?? new Map()).values()].find((r) => r.digest === lkg.digest);
      if (!match) problems.push(`${where}: the ledger's LKG of ${service} is ${lkg.version} ${short(lkg.digest)}, which is none of the scenario's releases`);
      else names.set(service, match.name);
    }
    result.set(loaded, names);
  }
  if (problems.length) throw new DrillbitError('bad-input', problems.join('\n'), { hint: 'promote a release first (`drillbit promote`, or a promote step), and list it among the service\'s releases' });
  return result;
}
