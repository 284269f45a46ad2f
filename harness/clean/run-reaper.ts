import { readdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { errorMessage } from '../errors.ts';
import { pendingUndos } from '../faults/fault-journal.ts';
import { executeUndo, isSameProcess } from '../faults/undo-executor.ts';
import { readFile } from 'node:fs/promises';
import type { PidRecord } from '../process/pid-file.ts';
import { isRunLive, markRunFinished, readOwner } from './run-owner.ts';

export interface ReapReport {
  runId: string;
  /** Why the run was left alone, when it was. */
  skipped?: 'live' | 'finished';
  undosReplayed: number;
  processesKilled: number;
  errors: string[];
}

/**
 * Reaps what a dead run left: replays the undo records of faults its journal shows as
 * not reverted (newest first), then stops every process it recorded in a pid file (only
 * when the pid still names that process). Selects by the run's own files, never by names.
 */
export async function reapRun(runDir: string, options: { dryRun?: boolean } = {}): Promise<ReapReport> {
  const owner = await readOwner(runDir);
  const report: ReapReport = { runId: owner?.runId ?? basename(runDir), undosReplayed: 0, processesKilled: 0, errors: [] };
  if (owner?.finishedAt) return { ...report, skipped: 'finished' };
  if (owner && (await isRunLive(owner))) return { ...report, skipped: 'live' };
  for (const attemptDir of await subdirectories(runDir)) {
    await replayUndos(join(attemptDir, 'faults.ndjson'), report, options);
    await killRecorded(join(attemptDir, 'pids'), report, options);
  }
  if (!options.dryRun) await markRunFinished(runDir, owner ?? { runId: report.runId, pid: 0, startedAt: '', cwd: '' });
  return report;
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
      if (alive) report.processesKilled++;
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
