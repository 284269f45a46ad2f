import type { ScenarioResult } from '../../verdict/results.ts';
import { MARKER_LEGEND, type ScenarioChart } from './chart-data.ts';
import { escapeHtml } from './escape.ts';
import { ms } from './format.ts';
import { badge } from './markup.ts';
import { checksTable, dataTable, faultsTable, lkgTable, recoveryTable, sloTable } from './scenario-tables.ts';
import { lineageTable } from './lineage-table.ts';

const DASHED = new Set(['deploy-rejected', 'revert', 'rollback-start', 'abort']);

/** One scenario attempt: verdict and reasons, the timeline chart, checks (failed first), SLOs, recovery, LKG, data, faults. */
export function scenarioSection(r: ScenarioResult, chart: ScenarioChart): string {
  return `<section class="scenario status-${escapeHtml(r.status)}" id="scenario-${chart.id}" data-status="${escapeHtml(r.status)}">
${header(r)}
${reasons(r)}
<h3>Timeline</h3>
${chartBlock(chart)}
<h3>Checks</h3>
${checksTable(r.checks ?? [])}
<div class="grid">
<div><h3>SLO: target vs measured</h3>
${sloTable(r)}</div>
<div><h3>Recovery</h3>
${recoveryTable(r)}</div>
<div><h3>Data (acknowledged writes)</h3>
${dataTable(r)}</div>
</div>
<h3>Last known good, per service</h3>
${lkgTable(r)}
${r.lineage ? `<h3>Release lineage</h3>\n${lineageTable(r)}` : ''}
<h3>Faults</h3>
${faultsTable(r)}
${teardown(r)}
</section>`;
}

function header(r: ScenarioResult): string {
  const facts = [
    `<code>${escapeHtml(r.file)}</code>`,
    `attempt ${escapeHtml(r.attempt)}`,
    `took ${escapeHtml(ms(r.durationMs))}`,
    Number.isFinite(r.seed) ? `seed ${escapeHtml(r.seed)}` : '',
    r.startedAt ? `started ${escapeHtml(r.startedAt)}` : '',
  ].filter(Boolean);
  return `<h2>${badge(r.status)} <span class="scenario-name">${escapeHtml(r.name)}</span> <span class="muted">#${escapeHtml(r.attempt)}</span></h2>
<div class="muted">${facts.join(' · ')}</div>`;
}

function reasons(r: ScenarioResult): string {
  const parts: string[] = [];
  if (r.reasons?.length) parts.push(`<ul class="reasons">${r.reasons.map((reason) => `<li>${escapeHtml(reason)}</li>`).join('')}</ul>`);
  if (r.error) parts.push(`<div class="banner error"><strong>error:</strong> ${escapeHtml(r.error.message)}${r.error.hint ? `<br><span class="muted">hint: ${escapeHtml(r.error.hint)}</span>` : ''}</div>`);
  return parts.join('\n');
}

function chartBlock(chart: ScenarioChart): string {
  if (chart.t.length === 0 && chart.markers.length === 0) return '<p class="muted">Nothing was recorded on the timeline.</p>';
  const kinds = new Set(chart.markers.map((m) => m.kind));
  const legend = MARKER_LEGEND.filter((l) => kinds.has(l.kind))
    .map((l) => `<li><span class="swatch mk-${l.kind}${DASHED.has(l.kind) ? ' dashed' : ''}"></span>${escapeHtml(l.text)}</li>`)
    .join('');
  const note = chart.t.length === 0 ? '<p class="note">No per-second traffic was recorded (the journal holds events only): markers alone.</p>' : '';
  const list = chart.markers.length
    ? `<ol class="markers">${chart.markers.map((m) => `<li class="mk-${m.kind}" data-kind="${m.kind}">${escapeHtml(ms(m.tMs))} · ${escapeHtml(m.label)}</li>`).join('')}</ol>`
    : '<p class="muted">No deploys, faults, guard trips or rollbacks on the timeline.</p>';
  return `<div class="chart" id="chart-${chart.id}">${note}<div class="chart-traffic"></div><div class="chart-latency"></div></div>
<ul class="marker-legend" aria-label="marker legend">${legend}</ul>
${list}`;
}

function teardown(r: ScenarioResult): string {
  if (!r.teardownFailures?.length) return '';
  return `<h3>Cleanup failures</h3><ul class="reasons">${r.teardownFailures.map((f) => `<li>${escapeHtml(f.name)}: ${escapeHtml(f.error)}</li>`).join('')}</ul>`;
}
