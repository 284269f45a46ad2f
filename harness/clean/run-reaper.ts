import { readdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { errorMessage } from '../errors.ts';
import { pendingUndos } from '../faults/fault-journal.ts';
import { executeUndo, isSameProcess } from '../faults/undo-executor.ts';
import { readFile } from 'node:fs/promises';
import type { PidRecord } from '../process/pid-file.ts';
import { replicaProcessCount } from '../process/proc-inspector.ts';
import { killProcessGroupsOfRun } from '../process/run-processes.ts';
import { isRunLive, markRunFinished, readOwner } from './run-owner.ts';
import { readAttemptRecord, type DockerAttemptRecord } from '../drivers/docker/labelled-resources.ts';

export interface ReapReport {
  runId: string;
  /** Why the run was left alone, when it was. */
  skipped?: 'live' | 'finished';
  undosReplayed: number;
  processesKilled: number;
  /** Containers, networks and volumes labelled `drillbit.run=<runId>` that were removed (docker driver). */
  containersRemoved: number;
  networksRemoved: number;
  volumesRemoved: number;
  /** Swarm services labelled `drillbit.run=<runId>` that were removed (swarm driver), before their containers. */
  servicesRemoved?: number;
  errors: string[];
}

/**
 * Reaps what a dead run left: replays the undo records of faults its journal shows as
 * not reverted (newest first), then stops every process it recorded in a pid file (only
 * when the pid still names that process) and every process group on this host still
 * started with its run id (what it launched before a pid file was on disk), then removes every container, network and
 * volume labelled with its run id on the engine its attempts recorded (`docker.json`).
 * Selects by the run's own files and labels, never by names. A run whose engine does not
 * answer stays unreaped, so a later `drillbit clean` finishes the job.
 */
export async function reapRun(runDir: string, options: { dryRun?: boolean } = {}): Promise<ReapReport> {
  const owner = await readOwner(runDir);
  const report: ReapReport = { runId: owner?.runId ?? basename(runDir), undosReplayed: 0, processesKilled: 0, containersRemoved: 0, networksRemoved: 0, volumesRemoved: 0, errors: [] };
  if (owner?.finishedAt) return { ...report, skipped: 'finished' };
  if (owner && (await isRunLive(owner))) return { ...report, skipped: 'live' };
  const engines = new Set<string>();
  let engineMissing = false;
  for (const attemptDir of await subdirectories(runDir)) {
    await replayUndos(join(attemptDir, 'faults.ndjson'), report, options);
    await killRecorded(join(attemptDir, 'pids'), report, options);
    const record = await readAttemptRecord(attemptDir);
    const key = record && `${record.engine}\0${record.runId}`;
    if (!record || !key || engines.has(key)) continue;
    engines.add(key);
    if (!(await removeContainers(record, report, options))) engineMissing = true;
  }
  // What the pid files missed (a run killed before one was on disk): found by the run id its launchers were started with.
  const strays = await killProcessGroupsOfRun(report.runId, options.dryRun);
  if (strays) report.processesKilled += strays;
  if (!options.dryRun && !engineMissing) await markRunFinished(runDir, owner ?? { runId: report.runId, pid: 0, startedAt: '', cwd: '' });
  return report;
}

/** Everything labelled `drillbit.run=<runId>` on the attempt's engine; false when that engine does not answer. */
async function removeContainers(record: DockerAttemptRecord, report: ReapReport, options: { dryRun?: boolean }): Promise<boolean> {
  // Loaded only for runs that used the docker driver.
  const { DockerEngine } = await import('../drivers/docker/docker-engine.ts');
  const engine = DockerEngine.at(record.engine);
  if (!(await engine.available())) {
    report.errors.push(`run ${record.runId} left containers on ${record.engine}, which does not answer; run drillbit clean again once it does`);
    return false;
  }
  try {
    const { removeRunResources } = await import('./run-resources.ts');
    const removed = await removeRunResources(engine, record.runId, options);
    report.servicesRemoved = (report.servicesRemoved ?? 0) + removed.services.length;
    report.containersRemoved += removed.containers.length;
    report.networksRemoved += removed.networks.length;
    report.volumesRemoved += removed.volumes.length;
    report.errors.push(...removed.errors);
  } catch (error) {
    report.errors.push(`containers of run ${record.runId} on ${record.engine}: ${errorMessage(error)}`);
  }
  return true;
}

async function replayUndos(journal: string, report: ReapReport, options: { dryRun?: boolean }): Promise<void> {
  for (const pending of pendingUndos(journal)) {
    for (const undo of pending.undo) {
      try {
        if (!options.dryRun) await executeUndo(undo);
        report.undosReplayed++;
      } catch (error) {
        report.errors.push(`undo of ${pending.fault} on ${pending.target}: ${errorMessage(error)}`);
      }
    }
  }
}

async function killRecorded(pidsDir: string, report: ReapReport, options: { dryRun?: boolean }): Promise<void> {
  let files: string[];
  try {
    files = (await readdir(pidsDir)).filter((f) => f.endsWith('.pid'));
  } catch {
    return;
  }
  for (const file of files) {
    const path = join(pidsDir, file);
    const record = await readFile(path, 'utf8').then((t) => JSON.parse(t) as PidRecord).catch(() => undefined);
    const alive = record !== undefined && (await isSameProcess(record.pid, record.procStartTime));
    try {
      // A replica is its process group and PID namespace: every process of it is counted.
      if (alive) report.processesKilled += Math.max(1, await replicaProcessCount(record.pid, record.pgid ?? record.pid));
      if (!options.dryRun) await executeUndo({ kind: 'kill-pid-file', path });
    } catch (error) {
      report.errors.push(`${file}: ${errorMessage(error)}`);
    }
  }
  if (!options.dryRun) await rm(pidsDir, { recursive: true, force: true }).catch(() => undefined);
}

async function subdirectories(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => join(dir, e.name));
  } catch {
    return [];
  }
}

/** Every run under the state directory that is neither live nor already reaped. */
export async function reapDeadRuns(stateDir: string, options: { dryRun?: boolean } = {}): Promise<ReapReport[]> {
  const reports: ReapReport[] = [];
  for (const runDir of await subdirectories(join(stateDir, 'runs'))) reports.push(await reapRun(runDir, options));
  return reports;
}
