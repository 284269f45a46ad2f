import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CliEnvironment } from '../cli/cli-environment.ts';
import type { Digest } from '../drivers/driver.ts';
import { DockerEngine, dockerFromEnvironment } from '../drivers/docker/docker-engine.ts';
import { ExitCode, badInput } from '../errors.ts';
import type { SealedEntry } from '../ledger/ledger-entry.ts';
import { openLedger, type LedgerFlags } from '../ledger/ledger-location.ts';
import { registrationOf } from '../ledger/release-registry.ts';
import { slug } from '../runner/traffic-phase.ts';
import { desiredState } from './desired-state.ts';
import { describeDiff } from './drift-detector.ts';
import { dockerLiveReplicas } from './docker-live-state.ts';
import type { LiveReplica } from './live-replica.ts';
import { liveDrift } from './live-drift.ts';
import { localLiveReplicas } from './local-live-state.ts';

/**
 * `drillbit drift [--run RUNID]`: compares what a live run (by default the newest in the
 * ledger) really runs — found from outside it: local pid files and /proc, or the engine's
 * labelled containers — with what its ledger entries say. Exit 0: no drift; 1: drift (each
 * difference printed); 2: no ledger, an unknown run, or nothing of it running.
 */
export async function driftCommand(flags: LedgerFlags & { run?: string }, cli: CliEnvironment): Promise<number> {
  const ledger = await openLedger(flags, cli);
  if (!existsSync(ledger.path)) throw badInput(`no ledger at ${ledger.path}`, 'pass --ledger FILE (or set DRILLBIT_LEDGER)');
  const entries = await ledger.trustedEntries();
  const runId = flags.run ?? [...entries].reverse().find((e) => e.type === 'deploy' && e.runId)?.runId;
  if (!runId) throw badInput(`ledger ${ledger.path} records no deploy`, 'drift compares a run that deployed something with what it deployed');
  const attempts = groupAttempts(entries.filter((e) => e.runId === runId));
  if (attempts.size === 0) throw badInput(`--run ${runId}: the ledger has no deploy of that run`, 'the newest run is the default; see `drillbit ledger show`');
  let drifted = 0;
  let running = 0;
  for (const [key, group] of attempts) {
    const [scenario, attempt] = key.split('\0') as [string, string];
    const workDir = join(cli.stateDir, 'runs', runId, `${slug(scenario)}-${attempt}`);
    const driver = group.find((e) => e.type === 'deploy')?.driver ?? 'local';
    const live = await liveReplicas(driver, runId, workDir);
    if (live.length === 0) continue;
    running++;
    const registration = (service: string, digest: Digest) => registrationOf(entries, service, digest);
    const desired = desiredState(group, { registration, release: (service, digest) => storedRelease(cli.storeDir, service, digest, registration(service, digest)?.configDigest) });
    const diffs = liveDrift(desired, live);
    cli.stdout(`${diffs.length ? 'DRIFT' : 'ok   '} "${scenario}" attempt ${attempt} (${driver}, run ${runId})\n`);
    for (const diff of diffs) cli.stdout(`  ${describeDiff(diff)}\n`);
    if (diffs.length) drifted++;
  }
  if (running === 0) throw badInput(`run ${runId}: nothing of it is running`, 'drillbit drift compares a live run with the ledger; after a drill, its own drift check did that');
  return drifted ? ExitCode.failed : ExitCode.ok;
}

function groupAttempts(entries: readonly SealedEntry[]): Map<string, SealedEntry[]> {
  const groups = new Map<string, SealedEntry[]>();
  for (const entry of entries) {
    if ((entry.type !== 'deploy' && entry.type !== 'rollback') || !entry.scenario || entry.attempt === undefined) continue;
    const key = `${entry.scenario}\0${entry.attempt}`;
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  return groups;
}

function liveReplicas(driver: string, runId: string, workDir: string): Promise<LiveReplica[]> {
  if (driver === 'local') return localLiveReplicas(workDir);
  return dockerLiveReplicas(new DockerEngine(dockerFromEnvironment(process.env)), runId, workDir);
}

/** The manifest of a stored bundle release (its env is what a replica should run with). */
function storedRelease(storeDir: string, service: string, digest: Digest, configDigest: Digest | undefined) {
  const file = join(storeDir, digest.replace(':', '-'), 'release.json');
  if (!existsSync(file) || !configDigest) return undefined;
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as { version: string; env?: Record<string, string> };
  return { service, name: manifest.version, version: manifest.version, digest, configDigest, source: file, manifest: { service, version: manifest.version, command: [], env: manifest.env ?? {}, health: { path: '/', timeoutMs: 1, intervalMs: 1 } } };
}
