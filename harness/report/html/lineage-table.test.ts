import { describe, expect, it } from 'vitest';
import { syntheticRun, syntheticScenario } from '../../../test/synthetic-results.ts';
import { loadChartAssets, renderHtmlReport } from '../html-report.ts';
import type { LineageStep } from '../../ledger/lineage.ts';

const D1 = `sha256:${'a'.repeat(64)}`;
const registration = { seq: 1, at: '2026-11-26T07:00:00.000Z', by: 'github:<b>alice</b>', source: '/bundles/v1', createdAt: null };
const lineage: Record<string, LineageStep[]> = {
  shop: [
    { at: '2026-11-26T07:01:00.000Z', event: 'deploy', version: '1.0.0', digest: D1, release: 'v1', seq: 3, registration, promotedAt: '2026-11-26T07:02:00.000Z' },
    { at: '2026-11-26T07:02:00.000Z', event: 'promote', version: '1.0.0', digest: D1, seq: 4, registration, promotedAt: '2026-11-26T07:02:00.000Z', reason: 'held <steady>' },
  ],
};

describe('HTML report: release lineage', () => {
  it('shows each service\'s releases, their registration and promotion, escaped', () => {
    const html = renderHtmlReport(syntheticRun([syntheticScenario({ name: 'lineage', status: 'passed', lineage })]), { assets: loadChartAssets() });
    expect(html).toContain('<h3>Release lineage</h3>');
    expect(html).toContain('<table class="lineage">');
    expect(html).toContain('#1 2026-11-26 07:00:00Z by github:&lt;b&gt;alice&lt;/b&gt;; /bundles/v1');
    expect(html).toContain('held &lt;steady&gt;');
    expect(html).not.toContain('<b>alice</b>');
  });

  it('has no lineage section for results written before lineage existed', () => {
    const html = renderHtmlReport(syntheticRun([syntheticScenario({ name: 'old', status: 'passed' })]), { assets: loadChartAssets() });
    expect(html).not.toContain('Release lineage');
  });
});
