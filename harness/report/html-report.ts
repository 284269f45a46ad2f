import type { RunResults } from '../verdict/results.ts';
import type { ChartAssets } from './html/chart-assets.ts';
import { scenarioChart } from './html/chart-data.ts';
import { escapeHtml } from './html/escape.ts';
import { ms, pct } from './html/format.ts';
import { badge, statusCell, table, type Cell } from './html/markup.ts';
import { htmlPage } from './html/page-shell.ts';
import { scenarioSection } from './html/scenario-section.ts';

export { loadChartAssets, type ChartAssets } from './html/chart-assets.ts';

export interface ReportNotice {
  level: 'error' | 'warning' | 'info';
  text: string;
}

export interface HtmlReportOptions {
  /** The inlined chart library and the report's script and styles (`loadChartAssets()`). */
  assets: ChartAssets;
  /** Set when the report shows less than a finished run, e.g. "incomplete: rebuilt from the journal". */
  incomplete?: string;
  /** Banners above the scenarios: damaged input, merged shards, differing driver versions. */
  notices?: ReportNotice[];
  /** Where the run was read from, for the footer. */
  source?: string;
  /** ISO time the report was rendered (default: none shown, so the output is reproducible). */
  generatedAt?: string;
}

/**
 * The HTML report of one run: a single self-contained file (chart library, script, styles
 * and data inlined; a CSP forbids every remote load). Pure: the same input renders the same bytes.
 */
export function renderHtmlReport(run: RunResults, options: HtmlReportOptions): string {
  const charts = run.scenarios.map((s, i) => scenarioChart(String(i), s));
  const body = `<main>
<h1>Drillbit run <code>${escapeHtml(run.runId)}</code></h1>
${summary(run, options)}
${banners(options)}
${scenarioIndex(run)}
${run.scenarios.map((s, i) => scenarioSection(s, charts[i]!)).join('\n')}
<footer>${footer(run, options)}</footer>
</main>`;
  return htmlPage({
    title: `Drillbit ${run.runId}: ${run.summary.passed}/${run.summary.total} passed${options.incomplete ? ' (incomplete)' : ''}`,
    body,
    data: { kind: 'run', runId: run.runId, charts },
    styles: [options.assets.uplotCss, options.assets.css],
    scripts: [options.assets.uplotJs, options.assets.timelineChartsJs],
  });
}

function runStatus(run: RunResults, incomplete: boolean): string {
  if (run.aborted || incomplete) return 'aborted';
  if (run.summary.total === 0) return 'unknown';
  return run.summary.passed === run.summary.total ? 'passed' : 'failed';
}

function summary(run: RunResults, options: HtmlReportOptions): string {
  const s = run.summary;
  const status = runStatus(run, Boolean(options.incomplete));
  const label = options.incomplete ? 'incomplete' : run.aborted ? 'aborted' : status;
  const stat = (n: number, what: string) => `<div><span class="big">${escapeHtml(n)}</span> ${escapeHtml(what)}</div>`;
  return `<div class="summary" id="summary" data-status="${escapeHtml(status)}">
<div>${badge(status, label)}</div>
${stat(s.passed, 'passed')}${stat(s.failed, 'failed')}${stat(s.errored, 'errored')}${stat(s.aborted ?? 0, 'aborted')}
<div><span class="big">${escapeHtml(pct(s.passRate, 1))}</span> pass rate (${escapeHtml(s.passed)}/${escapeHtml(s.total)})</div>
<div class="muted">seed <code>${escapeHtml(Number.isFinite(run.seed) ? run.seed : 'unknown')}</code> · driver <code>${escapeHtml(run.driver)}</code> · run <code>${escapeHtml(run.runId)}</code></div>
<div class="muted">started ${escapeHtml(run.startedAt)}${run.finishedAt ? ` · finished ${escapeHtml(run.finishedAt)}` : ' · never finished'}${run.drillbitVersion ? ` · drillbit ${escapeHtml(run.drillbitVersion)}` : ''}</div>
</div>`;
}

function banners(options: HtmlReportOptions): string {
  const out: string[] = [];
  if (options.incomplete) out.push(`<div class="banner warning" id="incomplete"><strong>${escapeHtml(options.incomplete)}</strong></div>`);
  for (const level of ['error', 'warning', 'info'] as const) {
    const notices = (options.notices ?? []).filter((n) => n.level === level);
    if (notices.length) out.push(`<div class="banner ${level} notices"><ul>${notices.map((n) => `<li>${escapeHtml(n.text)}</li>`).join('')}</ul></div>`);
  }
  return out.join('\n');
}

/** The scenarios the run's driver could not run, with why: never silently absent from the report. */
function skippedList(run: RunResults): string {
  const skipped = run.skipped ?? [];
  if (skipped.length === 0) return '';
  const items = skipped.map((s) => `<li><strong>${escapeHtml(s.name)}</strong> <span class="muted">(${escapeHtml(s.file)})</span>: ${escapeHtml(s.reason)}</li>`);
  return `<section class="skipped" id="skipped"><h2>Skipped on driver ${escapeHtml(run.driver)} (${escapeHtml(skipped.length)})</h2><ul>${items.join('')}</ul></section>`;
}

function scenarioIndex(run: RunResults): string {
  if (run.scenarios.length === 0) return `<p class="muted">No scenario finished or started.</p>${skippedList(run)}`;
  const rows = run.scenarios.map((s, i): Cell[] => [
    statusCell(s.status),
    { markup: `<a href="#scenario-${i}">${escapeHtml(s.name)}</a> <span class="muted">#${escapeHtml(s.attempt)}</span>` },
    ms(s.durationMs),
    ms(s.recovery?.ttrMs),
    s.reasons?.[0] ?? '',
  ]);
  return `<nav class="index">${table(['status', 'scenario', 'duration', 'ttr', 'first reason'], rows, { numeric: [2, 3] })}</nav>${skippedList(run)}`;
}

function footer(run: RunResults, options: HtmlReportOptions): string {
  const parts = [`Drillbit ${escapeHtml(run.drillbitVersion ?? '')} report`];
  if (options.source) parts.push(`from <code>${escapeHtml(options.source)}</code>`);
  if (options.generatedAt) parts.push(`rendered ${escapeHtml(options.generatedAt)}`);
  parts.push('charts: uPlot (MIT)');
  return parts.join(' · ');
}
