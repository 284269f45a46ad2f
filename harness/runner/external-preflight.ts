import { connect } from 'node:net';
import { DrillbitError } from '../errors.ts';
import type { LoadedScenario } from '../scenario/scenario-loader.ts';
import { parseTargetAddress, type ExternalTarget, type TargetAllowance } from '../scenario/target-allowance.ts';
import type { Logger } from './logger.ts';

/** How long a reachability probe of an external dependency waits for its TCP handshake. */
const PROBE_TIMEOUT_MS = 3000;

/**
 * Before anything starts: every external dependency of every scenario is on loopback or
 * allowed by `--allow-target` (bad input, exit 2, naming each file and field otherwise), and
 * answers a TCP connection (infrastructure, exit 3: a drill against a dependency that is
 * already down would measure that outage, not the rollback). Returns the scenarios with
 * their external targets attached, for the plan and the results.
 */
export async function checkExternalTargets(scenarios: readonly LoadedScenario[], allowance: TargetAllowance, log: Logger): Promise<LoadedScenario[]> {
  const checked = allowExternalTargets(scenarios, allowance);
  const addresses = [...new Set(checked.flatMap((l) => (l.externalTargets ?? []).map((t) => t.address)))];
  const unreachable = (await Promise.all(addresses.map(async (address) => ({ address, error: await probe(address) })))).filter((p) => p.error);
  if (unreachable.length) {
    const lines = unreachable.map(({ address, error }) => {
      const users = checked.flatMap((l) => (l.externalTargets ?? []).filter((t) => t.address === address).map((t) => `${l.displayFile}: external.${t.name}`));
      return `${users.join(', ')}: ${address} cannot be reached: ${error}`;
    });
    throw new DrillbitError('infrastructure', lines.join('\n'), { hint: 'start the external dependency, or fix its address; the drill did not start' });
  }
  for (const loaded of checked) {
    for (const t of loaded.externalTargets ?? []) log.info(`${loaded.displayFile}: external dependency ${t.name} at ${t.address} (${t.allowedBy === 'loopback' ? 'loopback' : 'allowed by --allow-target'})`);
  }
  return checked;
}

/** The allowance part of `checkExternalTargets`, with no network: also what `--dry-run` checks. */
export function allowExternalTargets(scenarios: readonly LoadedScenario[], allowance: TargetAllowance): LoadedScenario[] {
  const problems: string[] = [];
  const refused = new Set<string>();
  const checked = scenarios.map((loaded) => {
    const targets: ExternalTarget[] = [];
    for (const [name, address] of Object.entries(loaded.scenario.external ?? {})) {
      const parsed = parseTargetAddress(address);
      const allowedBy = parsed && allowance.reason(parsed);
      if (allowedBy) targets.push({ name, address, allowedBy });
      else {
        refused.add(parsed?.host ?? address);
        problems.push(`${loaded.displayFile}: external.${name}: ${address} is not on this machine's loopback, and --allow-target does not name it (allowed: ${allowance.describe()})`);
      }
    }
    return targets.length ? { ...loaded, externalTargets: targets } : loaded;
  });
  if (problems.length) {
    throw new DrillbitError('bad-input', problems.join('\n'), { hint: `a drill sends calls and network faults only to loopback unless you allow more: ${[...refused].map((h) => `--allow-target ${h}`).join(' ')}` });
  }
  return checked;
}

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused (ECONNREFUSED)',
  ENOTFOUND: 'the name does not resolve (ENOTFOUND)',
  EHOSTUNREACH: 'no route to the host (EHOSTUNREACH)',
  ENETUNREACH: 'no route to the network (ENETUNREACH)',
};

/** Why `host:port` refuses a TCP connection, or undefined when it accepts one. */
function probe(address: string): Promise<string | undefined> {
  const target = parseTargetAddress(address)!;
  return new Promise((resolve) => {
    const socket = connect({ host: target.host, port: target.port });
    const done = (error?: string) => {
      socket.destroy();
      clearTimeout(timer);
      resolve(error);
    };
    const timer = setTimeout(() => done(`no answer in ${PROBE_TIMEOUT_MS} ms`), PROBE_TIMEOUT_MS);
    socket.once('connect', () => done());
    socket.once('error', (error: NodeJS.ErrnoException) => done(REASONS[error.code ?? ''] ?? error.code ?? error.message));
  });
}
