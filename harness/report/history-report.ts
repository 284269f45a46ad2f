import type { RunResults, ScenarioStatus } from '../verdict/results.ts';
import type { ChartAssets } from './html/chart-assets.ts';
import { escapeHtml } from './html/escape.ts';
import { ms, pct } from './html/format.ts';
import { statusCell, table, type Cell } from './html/markup.ts';
import { htmlPage } from './html/page-shell.ts';
import type { ReportNotice } from './html-report.ts';

/** One run of the history: its results, where its own report is (relative to the history page), and what is missing. */
export interface HistoryEntry {
  run: RunResults;
  label: string;
  reportHref?: string;
  incomplete?: string;
}

export interface HistoryReportOptions {
  assets: ChartAssets;
  title?: string;
  notices?: ReportNotice[];
}

/** What the history page's chart script draws: runs in time order (newest last), ttr per scenario per run. */
export interface HistoryChartData {
  kind: 'history';
  /** Unix seconds of each run's start. */
  t: number[];
  passRatePercent: number[];
  scenarios: string[];
  /** Per scenario, per run: the median ttr (ms) of its attempts in that run; null when not run or never restored. */
  ttrMs: (number | null)[][];
}

/** Trends across many runs: pass rate per run and time to restore per scenario, as charts and tables. */
export function renderHistoryReport(entries: readonly HistoryEntry[], options: HistoryReportOptions): string {
  const runs = [...entries].filter((e) => Number.isFinite(Date.parse(e.run.startedAt))).sort(byStart);
  const undated = entries.filter((e) => !Number.isFinite(Date.parse(e.run.startedAt)));
  const data = historyChartData(runs);
  const notices = [...(options.notices ?? []), ...undated.map((e) => ({ level: 'warning' as const, text: `${e.label}: no start time, left out of the charts` }))];
  const body = `<main>
<h1>${escapeHtml(options.title ?? 'Drillbit history')}</h1>
<div class="summary" id="summary"><div><span class="big">${runs.length}</span> runs</div><div><span class="big">${data.scenarios.length}</span> scenarios</div>
<div class="muted">${runs.length ? `${escapeHtml(runs[0]!.run.startedAt)} → ${escapeHtml(runs.at(-1)!.run.startedAt)} (newest last)` : 'no run found'}</div></div>
${notices.length ? `<div class="banner warning notices"><ul>${notices.map((n) => `<li>${escapeHtml(n.text)}</li>`).join('')}</ul></div>` : ''}
<section class="scenario"><h2>Pass rate per run</h2><div class="chart" id="chart-pass-rate"></div>
<h2>Time to restore per scenario</h2><p class="muted">Median ttr of each scenario's attempts in a run; a gap is a run where it was not run or never restored.</p>
<div class="chart" id="chart-ttr"></div></section>
<h3>Runs</h3>
${runsTable(runs)}
<h3>Scenarios across runs</h3>
${scenariosTable(runs, data.scenarios)}
<footer>Drillbit history · charts: uPlot (MIT)</footer>
</main>`;
  return htmlPage({
    title: options.title ?? `Drillbit history: ${runs.length} runs`,
    body,
    data,
    styles: [options.assets.uplotCss, options.assets.css],
    scripts: [options.assets.uplotJs, options.assets.historyChartsJs],
  });
}

function byStart(a: HistoryEntry, b: HistoryEntry): number {
  return Date.parse(a.run.startedAt) - Date.parse(b.run.startedAt) || a.label.localeCompare(b.label);
}

export function historyChartData(runs: readonly HistoryEntry[]): HistoryChartData {
  const scenarios = [...new Set(runs.flatMap((e) => e.run.scenarios.map((s) => s.name)))];
  return {
    kind: 'history',
    t: runs.map((e) => Date.parse(e.run.startedAt) / 1000),
    passRatePercent: runs.map((e) => Math.round(e.run.summary.passRate * 1000) / 10),
    scenarios,
    ttrMs: scenarios.map((name) => runs.map((e) => median(e.run.scenarios.filter((s) => s.name === name).map((s) => s.recovery?.ttrMs)))),
  };
}

function median(values: (number | null | undefined)[]): number | null {
  const known = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  if (known.length === 0) return null;
  const mid = Math.floor(known.length / 2);
  return known.length % 2 ? known[mid]! : (known[mid - 1]! + known[mid]!) / 2;
}

function runsTable(runs: readonly HistoryEntry[]): string {
  if (runs.length === 0) return '<p class="muted">No run directory with results.json or journal.ndjson.</p>';
  const rows = runs.map((e): Cell[] => {
    const s = e.run.summary;
    const status = e.incomplete ? 'aborted' : s.passed === s.total && s.total > 0 ? 'passed' : 'failed';
    const name = e.reportHref ? { markup: `<a href="${escapeHtml(e.reportHref)}">${escapeHtml(e.label)}</a>` } : e.label;
    return [e.run.startedAt, name, e.run.driver, `${s.passed}/${s.total}`, pct(s.passRate, 1), statusCell(status, e.incomplete ? 'incomplete' : status)];
  });
  return table(['started', 'run', 'driver', 'passed', 'pass rate', ''], rows, { numeric: [3, 4], cls: 'runs' });
}

function scenariosTable(runs: readonly HistoryEntry[], names: readonly string[]): string {
  if (names.length === 0) return '';
  const rows = names.map((name): Cell[] => {
    const attempts = runs.flatMap((e) => e.run.scenarios.filter((s) => s.name === name));
    const passed = attempts.filter((s) => s.status === 'passed').length;
    const latest: ScenarioStatus | undefined = attempts.at(-1)?.status;
    return [name, String(attempts.length), pct(attempts.length ? passed / attempts.length : null, 1), latest ? statusCell(latest) : '—', ms(median(attempts.map((s) => s.recovery?.ttrMs))), ms(attempts.at(-1)?.recovery?.ttrMs)];
  });
  return table(['scenario', 'attempts', 'pass rate', 'latest', 'median ttr', 'latest ttr'], rows, { numeric: [1, 2, 4, 5], cls: 'scenarios' });
}
