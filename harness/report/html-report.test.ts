import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadChartAssets, renderHtmlReport } from './html-report.ts';
import { timelineMarkers } from './html/chart-data.ts';
import { escapeHtml, jsonForScript } from './html/escape.ts';
import { HOSTILE, HOSTILE_SCRIPT, sampleRun } from './test-support.ts';

const assets = loadChartAssets();
const html = renderHtmlReport(sampleRun(), { assets });

function dataBlock(page: string): string {
  return /<script type="application\/json" id="drillbit-data">([\s\S]*?)<\/script>/.exec(page)![1]!;
}

describe('HTML report renderer', () => {
  it('escapes every scenario-provided string: no markup from a name, check, reason, target or error survives', () => {
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<script>alert');
    expect(html).toContain(escapeHtml(HOSTILE));
    expect(html.match(/<script\b/g)).toHaveLength(3); // the data block, uPlot, the chart script
    expect(html.match(/<!--/g) ?? []).toEqual([]);
  });

  it('embeds chart data as JSON that cannot close its script block, and reads back intact', () => {
    const block = dataBlock(html);
    expect(block).not.toMatch(/<\/script|<!--|</i);
    const data = JSON.parse(block) as { charts: { markers: { label: string }[] }[] };
    expect(data.charts[0]!.markers.map((m) => m.label)).toContain(`fault f1 kill on ${HOSTILE}`);
    expect(jsonForScript({ s: '</script><!--\u2028' })).toBe('{"s":"\\u003c/script\\u003e\\u003c!--\\u2028"}');
  });

  it('has a Content-Security-Policy that allows only its own inline scripts and styles, and loads nothing remote', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!.replace(/&#39;/g, "'");
    expect(csp).toContain("default-src 'none'");
    const inline = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    for (const script of inline) expect(csp).toContain(`'sha256-${createHash('sha256').update(script).digest('base64')}'`);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    expect(html).not.toMatch(/\s(src|href)=["']?(https?:)?\/\//i);
    expect(html).toContain('uPlot');
  });

  it('lists the scenarios the driver skipped, with the reason, escaped; says nothing of skipping when none was', () => {
    const skipped = [{ name: `compose ${HOSTILE}`, file: 'scenarios/compose.drill.ts', reason: 'compose environments need --driver docker or swarm' }];
    const page = renderHtmlReport(sampleRun({ skipped }), { assets });
    expect(page).toContain('<h2>Skipped on driver local (1)</h2>');
    expect(page).toContain('compose environments need --driver docker or swarm');
    expect(page).not.toContain(HOSTILE);
    expect(html).not.toContain('id="skipped"');
  });

  it('lists failed checks first, then unknown, then passed', () => {
    const section = html.slice(html.indexOf('id="scenario-0"'), html.indexOf('id="scenario-1"'));
    const at = (text: string) => section.indexOf(text);
    expect(at(escapeHtml(HOSTILE_SCRIPT))).toBeGreaterThan(0);
    expect(at(escapeHtml(HOSTILE_SCRIPT))).toBeLessThan(at('guard analysis had data'));
    expect(at('guard analysis had data')).toBeLessThan(at('steady state'));
  });

  it('shows SLO target against measured, and no data where nothing was measured', () => {
    expect(html).toMatch(/availability \(whole drill\)<\/td><td>≥ 95\.00%<\/td><td>99\.00%<\/td><td class="cell-status status-met">met/);
    expect(html).toMatch(/recovery time<\/td><td>≤ 5\.00s \(RTO\)<\/td><td>30ms<\/td><td class="cell-status status-met">met/);
    const run = sampleRun();
    run.scenarios[1]!.slis.availability = null;
    expect(renderHtmlReport(run, { assets })).toMatch(/availability \(whole drill\)<\/td><td>≥ 95\.00%<\/td><td>—<\/td><td class="cell-status status-no-data">no data/);
  });

  it('shows the summary, the incomplete banner and notices, escaped', () => {
    const page = renderHtmlReport(sampleRun({ aborted: true }), { assets, incomplete: 'incomplete: rebuilt from the journal', notices: [{ level: 'warning', text: `j.ndjson:3: ${HOSTILE}` }] });
    expect(page).toContain('incomplete: rebuilt from the journal');
    expect(page).toContain(`j.ndjson:3: ${escapeHtml(HOSTILE)}`);
    expect(page).toMatch(/id="summary" data-status="aborted"/);
    expect(html).toMatch(/seed <code>42<\/code> · driver <code>local<\/code> · run <code>run-1<\/code>/);
  });

  it('is pure: the same run renders the same bytes', () => {
    expect(renderHtmlReport(sampleRun(), { assets })).toBe(html);
  });

  it('places the restored marker at the instant the LKG was back, not when verification ended', () => {
    expect(timelineMarkers([{ tMs: 3900, type: 'restored', atMs: 2150 }])).toEqual([{ tMs: 2150, kind: 'restored', label: expect.stringContaining('restored') }]);
  });
});
