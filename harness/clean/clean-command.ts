import { ExitCode } from '../errors.ts';
import type { CliEnvironment } from '../cli/cli-environment.ts';
import { reapDeadRuns, type ReapReport } from './run-reaper.ts';

/** `drillbit clean`: reaps what killed runs left (processes, faults); live runs are left alone. */
export async function cleanCommand(flags: { dryRun?: boolean; orphans?: boolean }, cli: CliEnvironment): Promise<number> {
  const reports = await reapDeadRuns(cli.stateDir, { dryRun: flags.dryRun });
  const reaped = reports.filter((r) => !r.skipped);
  const verb = flags.dryRun ? 'would' : '';
  for (const r of reaped.filter((x) => x.processesKilled || x.undosReplayed || dockerCount(x) || x.errors.length)) {
    const docker = dockerCount(r) ? `, ${verb ? 'would remove' : 'removed'} ${plural(r.containersRemoved, 'container')}, ${plural(r.networksRemoved, 'network')}, ${plural(r.volumesRemoved, 'volume')}${r.servicesRemoved ? `, ${plural(r.servicesRemoved, 'swarm service')}` : ''}` : '';
    cli.stdout(`run ${r.runId}: ${verb ? 'would kill' : 'killed'} ${r.processesKilled} process${r.processesKilled === 1 ? '' : 'es'}, ${verb ? 'would replay' : 'replayed'} ${r.undosReplayed} fault undo${r.undosReplayed === 1 ? '' : 's'}${docker}\n`);
    for (const error of r.errors) cli.stderr(`  ${error}\n`);
  }
  const live = reports.filter((r) => r.skipped === 'live').length;
  const processes = reaped.reduce((n, r) => n + r.processesKilled, 0);
  const undos = reaped.reduce((n, r) => n + r.undosReplayed, 0);
  const containers = reaped.reduce((n, r) => n + dockerCount(r), 0);
  cli.stdout(`clean: ${reaped.length} dead run${reaped.length === 1 ? '' : 's'} reaped (${processes} processes, ${undos} undos${containers ? `, ${containers} containers/networks/volumes` : ''})${live ? `; ${live} live run${live === 1 ? '' : 's'} left alone` : ''}\n`);
  let orphanErrors = 0;
  if (flags.orphans) {
    const { DockerEngine, dockerFromEnvironment } = await import('../drivers/docker/docker-engine.ts');
    const { sweepOrphans } = await import('./orphan-sweep.ts');
    const orphans = await sweepOrphans(new DockerEngine(dockerFromEnvironment(process.env)), { dryRun: flags.dryRun });
    if (orphans.skipped) cli.stdout(`orphans: none looked for: ${orphans.skipped}\n`);
    else cli.stdout(`orphans: ${flags.dryRun ? 'would remove' : 'removed'} ${orphans.removed} containers/networks/volumes/services of ${plural(orphans.runs.length, 'run')} whose work dir is gone${orphans.runs.length ? ` (${orphans.runs.join(', ')})` : ''}\n`);
    for (const error of orphans.errors) cli.stderr(`  ${error}\n`);
    orphanErrors = orphans.errors.length;
  }
  return reaped.some((r) => r.errors.length) || orphanErrors ? ExitCode.failed : ExitCode.ok;
}

function dockerCount(r: ReapReport): number {
  return r.containersRemoved + r.networksRemoved + r.volumesRemoved + (r.servicesRemoved ?? 0);
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
