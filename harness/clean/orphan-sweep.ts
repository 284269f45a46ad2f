import { existsSync } from 'node:fs';
import { errorMessage } from '../errors.ts';
import { isLocalEngine } from '../drivers/engine-locality.ts';
import type { DockerEngine } from '../drivers/docker/docker-engine.ts';
import { LABELS } from '../drivers/docker/docker-names.ts';
import { removeRunResources } from './run-resources.ts';

export interface OrphanReport {
  /** Run ids whose labelled resources were (or would be) removed. */
  runs: string[];
  removed: number;
  errors: string[];
  /** Why nothing was looked at (no engine, a remote engine). */
  skipped?: string;
}

/**
 * `drillbit clean --orphans`: containers, networks, volumes (and swarm services) labelled
 * `drillbit.run` whose `drillbit.workdir` no longer exists on this machine. Their run's state
 * is gone (a deleted temp dir, a state dir wiped while dockerd was down), so no other clean can
 * ever find them. Only on an engine on this machine, only with the flag: a run inside another
 * container or chroot has a work dir this machine cannot see, and would look orphaned.
 * A resource without a work dir label is never touched.
 */
export async function sweepOrphans(engine: DockerEngine, options: { dryRun?: boolean } = {}): Promise<OrphanReport> {
  const report: OrphanReport = { runs: [], removed: 0, errors: [] };
  if (!isLocalEngine(engine.endpoint.url)) return { ...report, skipped: `${engine.endpoint.url} is another machine` };
  if (!(await engine.available())) return { ...report, skipped: `no Docker engine at ${engine.endpoint.url}` };
  const filters = { label: [LABELS.run] };
  const labelled: { Labels?: Record<string, string> | null }[] = [
    ...(await engine.docker.listContainers({ all: true, filters })),
    ...(await engine.docker.listNetworks({ filters })),
    ...((await engine.docker.listVolumes({ filters })).Volumes ?? []),
  ];
  const runs = new Set<string>();
  for (const resource of labelled) {
    const run = resource.Labels?.[LABELS.run];
    const workDir = resource.Labels?.[LABELS.workDir];
    if (run && workDir && !existsSync(workDir)) runs.add(run);
  }
  for (const run of [...runs].sort()) {
    // Never a run that still has a resource whose work dir exists: that part of it is alive somewhere.
    const all = [...(await engine.docker.listContainers({ all: true, filters: { label: [`${LABELS.run}=${run}`] } })), ...(await engine.docker.listNetworks({ filters: { label: [`${LABELS.run}=${run}`] } }))];
    if (all.some((r) => { const w = r.Labels?.[LABELS.workDir]; return w === undefined || existsSync(w); })) continue;
    report.runs.push(run);
    try {
      const removed = await removeRunResources(engine, run, options);
      report.removed += removed.services.length + removed.containers.length + removed.networks.length + removed.volumes.length;
      report.errors.push(...removed.errors);
    } catch (error) {
      report.errors.push(`run ${run}: ${errorMessage(error)}`);
    }
  }
  return report;
}
