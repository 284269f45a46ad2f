import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { projectRoot, runDrillFiles } from '../../test/drill-harness.ts';
import { waitFor } from '../../test/process-scan.ts';
import { describeNeeding } from '../../test/requirement.ts';
import { HtmlReporter } from './html-reporter.ts';
import type { RunResults } from '../verdict/results.ts';

/** Debian's Chromium, never a downloaded browser (playwright-core 1.64.x drives this version). */
const CHROMIUM = '/usr/bin/chromium';
const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const HOSTILE = '<img src=x onerror=alert(1)>';

/** `describe` for tests that need Chromium: skipped with the reason when it is absent, failed instead with DRILLBIT_REQUIRE_BROWSER=1 (CI). */
function describeWithBrowser(name: string, body: () => void): void {
  describeNeeding(name, existsSync(CHROMIUM) ? undefined : { requirement: 'BROWSER', reason: `${CHROMIUM} is missing`, hint: 'install it: apt-get install -y chromium' }, body);
}

interface Opened {
  page: Page;
  errors: string[];
  dialogs: string[];
  network: string[];
}

/** Loads a report from file:// with the network cut off, recording console and page errors, dialogs and every non-file request. */
async function open(context: BrowserContext, file: string): Promise<Opened> {
  const page = await context.newPage();
  const opened: Opened = { page, errors: [], dialogs: [], network: [] };
  page.on('console', (m) => void (m.type() === 'error' && opened.errors.push(`console: ${m.text()}`)));
  page.on('pageerror', (e) => void opened.errors.push(`page: ${e.message}`));
  page.on('dialog', (d) => {
    opened.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('request', (r) => void (!/^(file|data|about):/.test(r.url()) && opened.network.push(r.url())));
  await page.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  await page.waitForFunction(() => document.querySelectorAll('.chart').length === document.querySelectorAll('.chart[data-rendered="true"]').length);
  return opened;
}

function expectClean(opened: Opened): void {
  expect(opened.errors).toEqual([]);
  expect(opened.dialogs).toEqual([]);
  expect(opened.network).toEqual([]);
}

/** What the traffic chart of one scenario drew: canvas size, painted pixels, markers. */
async function chartOf(page: Page, section: string) {
  return page.locator(section).evaluate((el) => {
    const box = el.querySelector('.chart-traffic')!;
    const canvas = box.querySelector('canvas')!;
    const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) painted++;
    return {
      width: canvas.width,
      height: canvas.height,
      painted,
      plots: el.querySelectorAll('.uplot').length,
      markersDrawn: Number(box.getAttribute('data-markers-drawn')),
      legend: [...el.querySelectorAll('.u-legend .u-label')].map((l) => l.textContent),
      markerList: [...el.querySelectorAll('ol.markers li')].map((li) => li.getAttribute('data-kind')),
    };
  });
}

describeWithBrowser('HTML report in Chromium', () => {
  const work = mkdtempSync(join(tmpdir(), 'drillbit-html-'));
  let context: BrowserContext;
  let reportFile: string;
  let results: RunResults;

  beforeAll(async () => {
    // Drills first, the browser after: drills judge latency, and a starting Chromium would take their cores.
    // The example's own verdict is scenarios/examples.test.ts's business; here it is whatever it was.
    results = await runDrillFiles(['scenarios/bad-release-rolled-back.drill.ts', 'test/drills/wrong-release-rollback.drill.ts', 'test/drills/hostile-names.drill.ts']);
    context = await chromium.launchPersistentContext(join(work, 'profile'), { executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS, offline: true });
    const reporter = new HtmlReporter(join(work, 'run'));
    await reporter.onEnd(results);
    reportFile = reporter.path;
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('loads offline with no console error, page error, dialog or network request, and draws every timeline chart', async () => {
    const opened = await open(context, reportFile);
    const { page } = opened;
    const { passed, failed, total } = results.summary;
    expect(failed).toBeGreaterThanOrEqual(2);
    expect(await page.locator('#summary').getAttribute('data-status')).toBe('failed');
    expect(await page.locator('#summary').innerText()).toMatch(new RegExp(`${passed}\\s+passed\\s+${failed}\\s+failed[\\s\\S]*pass rate \\(${passed}/${total}\\)`));
    const example = 'section.scenario:has(.scenario-name:text-is("bad release is rolled back by the guard"))';
    const passing = await chartOf(page, example);
    expect(passing.width).toBeGreaterThan(300);
    expect(passing.height).toBeGreaterThan(100);
    expect(passing.painted).toBeGreaterThan(2000);
    expect(passing.plots).toBe(2); // traffic, latency
    expect(passing.legend).toEqual(expect.arrayContaining(['requests/s', 'error rate %', 'p50 ms', 'p95 ms', 'p99 ms']));
    expect(passing.markerList).toEqual(expect.arrayContaining(['deploy', 'guard', 'rollback-start', 'rollback', 'restored']));
    expect(passing.markersDrawn).toBe(passing.markerList.length);
    expect(await page.locator(`${example} .marker-legend li`).allInnerTexts()).toEqual(expect.arrayContaining(['deploy', 'guard tripped', 'rolled back', 'restored (LKG back)']));
    expectClean(opened);
    await page.close();
  });

  it('shows the failed check and its reason, failed checks before passed ones', async () => {
    const opened = await open(context, reportFile);
    const section = opened.page.locator('section.scenario', { hasText: 'rollback to the wrong release' });
    await expect.poll(() => section.locator('.reasons li').first().innerText()).toMatch(/^LKG state restored: shop: .* not the LKG/);
    const rows = await section.locator('table.checks tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    const statuses = rows.map((r) => r[0]);
    expect(statuses.lastIndexOf('failed')).toBeLessThan(statuses.indexOf('passed'));
    const failedRow = rows.find((r) => r[1] === 'LKG state restored')!;
    expect(failedRow[0]).toBe('failed');
    expect(failedRow[2]).toMatch(/not the LKG v1 \(1\.0\.0, sha256:[0-9a-f]{12}\)/);
    expect(await section.locator('table.checks tbody tr').first().isVisible()).toBe(true);
    expect(await section.locator('table.slo').innerText()).toMatch(/recovery time\s+≤ 5\.00s \(RTO\)\s+never restored\s+missed/);
    expect(await section.locator('table.lkg').innerText()).toMatch(/shop\s+sha256:f97c8ab6a2b3\s+sha256:[0-9a-f]{12}\s+differs/);
    expectClean(opened);
    await opened.page.close();
  });

  it(`shows a scenario named ${HOSTILE} as text: nothing from it runs or becomes an element`, async () => {
    const opened = await open(context, reportFile);
    const { page } = opened;
    const section = page.locator('section.scenario', { has: page.locator('.scenario-name', { hasText: HOSTILE }) });
    expect(await section.locator('.scenario-name').textContent()).toBe(HOSTILE);
    expect(await section.locator('table.checks tbody tr').first().innerText()).toContain('step "<script>alert("step")</script>"');
    expect(await section.locator('.reasons').innerText()).toContain('</script><script>alert(2)</script><!-- <img src=y onerror=alert(3)>');
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(3);
    await page.waitForTimeout(200); // an onerror handler would have fired by now
    expectClean(opened);
    await page.close();
  });

  describe('a run killed mid-drill', () => {
    const output = join(work, 'killed');
    const env = { ...process.env, CI: 'true', DRILLBIT_HOME: join(work, 'state') };
    const journal = join(output, 'journal.ndjson');
    const drillbit = (...args: string[]) => spawnSync(process.execPath, ['bin/drillbit.mjs', ...args], { cwd: projectRoot, env, encoding: 'utf8', timeout: 30_000 });

    beforeAll(async () => {
      const child = spawn(process.execPath, ['bin/drillbit.mjs', 'run', 'scenarios/bad-release-rolled-back.drill.ts', '--output', output], { cwd: projectRoot, env, stdio: 'ignore' });
      const exited = new Promise((resolve) => child.on('exit', resolve));
      await waitFor(() => (existsSync(journal) && readFileSync(journal, 'utf8').includes('"type":"deploy"') ? true : undefined), 30_000);
      child.kill('SIGKILL');
      await exited;
      expect(drillbit('clean').status).toBe(0); // reap the replicas it left
    }, 60_000);

    it('renders from the journal: the scenario aborted, the report incomplete, its markers drawn', async () => {
      expect(existsSync(join(output, 'results.json'))).toBe(false);
      const report = drillbit('report', output);
      expect(report.status, report.stderr).toBe(0);
      expect(report.stdout).toContain('incomplete: rebuilt from the journal (no results.json; the run was killed, 1 unfinished attempt marked aborted)');
      const opened = await open(context, join(output, 'report.html'));
      const { page } = opened;
      expect(await page.locator('#incomplete').innerText()).toMatch(/^incomplete: rebuilt from the journal/);
      expect(await page.locator('#summary').getAttribute('data-status')).toBe('aborted');
      const section = page.locator('section.scenario').first();
      expect(await section.getAttribute('data-status')).toBe('aborted');
      expect(await section.locator('.badge').first().innerText()).toMatch(/aborted/i);
      expect(await section.locator('.reasons li').first().innerText()).toMatch(/^unfinished: the run stopped before this attempt ended/);
      const chart = await chartOf(page, 'section.scenario');
      expect(chart.markerList[0]).toBe('deploy');
      expect(chart.markersDrawn).toBeGreaterThanOrEqual(1);
      expect(chart.painted).toBeGreaterThan(500);
      expectClean(opened);
      await page.close();
    });

    it('a truncated journal line: still rendered, with a warning naming the file and line', async () => {
      const damaged = join(work, 'truncated');
      cpSync(output, damaged, { recursive: true, filter: (src) => !src.endsWith('report.html') });
      const lines = readFileSync(join(damaged, 'journal.ndjson'), 'utf8').split('\n').length;
      appendFileSync(join(damaged, 'journal.ndjson'), '{"scenario":"bad release is rolled back by the guard","attempt":1,"tMs":99');
      const report = drillbit('report', damaged);
      expect(report.status, report.stderr).toBe(0);
      const warning = new RegExp(`truncated/journal\\.ndjson:${lines}: truncated line \\(the run was killed while writing it\\)`);
      expect(report.stderr).toMatch(warning);
      const opened = await open(context, join(damaged, 'report.html'));
      expect(await opened.page.locator('.banner.warning.notices').innerText()).toMatch(warning);
      expect(await opened.page.locator('section.scenario').count()).toBe(1);
      expectClean(opened);
      await opened.page.close();
    });
  });
});
