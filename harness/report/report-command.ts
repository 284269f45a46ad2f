import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { DrillbitError, ExitCode, badInput } from '../errors.ts';
import type { CliEnvironment } from '../cli/cli-environment.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { loadChartAssets, renderHtmlReport, type ReportNotice } from './html-report.ts';
import { renderHistoryReport, type HistoryEntry } from './history-report.ts';
import { loadRunDirectory, type LoadedRun } from './run-loader.ts';
import { runDirectoriesUnder } from './run-arguments.ts';

export interface ReportFlags {
  out?: string;
  history?: boolean;
  open?: boolean;
}

/**
 * `drillbit report DIR`: report.html from results.json, or from the journal of a killed run.
 * Exit 0 when it rendered from sound input, 2 when the input was damaged (even if a
 * fallback still rendered), whatever the drills' verdicts: gating is `drillbit gate`'s job.
 */
export async function reportCommand(dir: string, flags: ReportFlags, cli: CliEnvironment): Promise<number> {
  const runDir = resolve(cli.cwd, dir);
  const rendered = flags.history ? historyReport(runDir, flags, cli) : runReport(runDir, flags, cli);
  await writeFileAtomic(rendered.out, rendered.html);
  for (const text of rendered.warnings) cli.stderr(`drillbit: warning: ${text}\n`);
  for (const text of rendered.errors) cli.stderr(`drillbit: ${text}\n`);
  cli.stdout(`report: ${relativeOrAbsolute(cli.cwd, rendered.out)}${rendered.summary ? ` (${rendered.summary})` : ''}\n`);
  if (flags.open) openInBrowser(rendered.out, cli);
  return rendered.errors.length ? ExitCode.badInput : ExitCode.ok;
}

interface Rendered {
  out: string;
  html: string;
  summary: string;
  warnings: string[];
  errors: string[];
}

function runReport(runDir: string, flags: ReportFlags, cli: CliEnvironment): Rendered {
  const loaded = loadRunDirectory(runDir);
  const degraded = loaded.incomplete !== undefined || loaded.errors.length > 0;
  const warnings = noticeTexts(loaded.notices, 'warning');
  let out = resolve(cli.cwd, flags.out ?? join(runDir, 'report.html'));
  if (degraded && isCompleteReport(out)) {
    // The run's own report saw everything; one rebuilt from less never takes its place.
    const beside = join(dirname(out), 'report.incomplete.html');
    warnings.push(`${relativeOrAbsolute(cli.cwd, out)} is the run's complete report and is kept; this one, from less (${loaded.incomplete ?? 'damaged input'}), is written to ${relativeOrAbsolute(cli.cwd, beside)}`);
    out = beside;
  }
  const html = renderHtmlReport(loaded.run, { assets: loadChartAssets(), incomplete: loaded.incomplete, notices: loaded.notices, source: relativeOrAbsolute(cli.cwd, loaded.source) });
  const s = loaded.run.summary;
  const summary = [`${s.passed}/${s.total} passed`, loaded.incomplete].filter(Boolean).join('; ');
  return { out, html, summary, warnings, errors: loaded.errors };
}

/** A report.html that a finished run wrote: it carries no incomplete banner. */
function isCompleteReport(path: string): boolean {
  if (!existsSync(path)) return false;
  return !readFileSync(path, 'utf8').includes('id="incomplete"');
}

function historyReport(root: string, flags: ReportFlags, cli: CliEnvironment): Rendered {
  if (!existsSync(root) || !statSync(root).isDirectory()) throw badInput(`${root}: no such directory`, 'pass the folder that holds the run directories (e.g. reports/)');
  const out = resolve(cli.cwd, flags.out ?? join(root, 'history.html'));
  const entries: HistoryEntry[] = [];
  const warnings: string[] = [];
  const errors: string[] = [];
  for (const runDir of runDirectoriesUnder(root)) {
    let loaded: LoadedRun;
    try {
      loaded = loadRunDirectory(runDir);
    } catch (error) {
      if (!(error instanceof DrillbitError)) throw error;
      errors.push(`${error.message} (left out of the history)`);
      continue;
    }
    errors.push(...loaded.errors);
    warnings.push(...noticeTexts(loaded.notices, 'warning'));
    const report = join(runDir, 'report.html');
    entries.push({ run: loaded.run, label: relative(root, runDir), ...(existsSync(report) ? { reportHref: href(dirname(out), report) } : {}), ...(loaded.incomplete ? { incomplete: loaded.incomplete } : {}) });
  }
  if (entries.length === 0) throw badInput(`${root}: no run directory (with results.json or journal.ndjson) under it`, 'pass the folder that holds the run directories (e.g. reports/)');
  const notices: ReportNotice[] = [...errors.map((text) => ({ level: 'error' as const, text })), ...warnings.map((text) => ({ level: 'warning' as const, text }))];
  const html = renderHistoryReport(entries, { assets: loadChartAssets(), notices });
  return { out, html, summary: `${entries.length} runs`, warnings, errors };
}

function noticeTexts(notices: readonly ReportNotice[], level: ReportNotice['level']): string[] {
  return notices.filter((n) => n.level === level).map((n) => n.text);
}

function href(fromDir: string, file: string): string {
  return relative(fromDir, file).split('/').map(encodeURIComponent).join('/');
}

function relativeOrAbsolute(cwd: string, path: string): string {
  return path.startsWith(`${cwd}/`) ? path.slice(cwd.length + 1) : path;
}

function openInBrowser(file: string, cli: CliEnvironment): void {
  const [command, ...args] = process.platform === 'darwin' ? ['open'] : process.platform === 'win32' ? ['cmd', '/c', 'start', '""'] : ['xdg-open'];
  const child = spawn(command!, [...args, file], { detached: true, stdio: 'ignore' });
  child.on('error', () => cli.stderr(`drillbit: could not start ${command} to open the report; open ${file} yourself\n`));
  child.unref();
}
