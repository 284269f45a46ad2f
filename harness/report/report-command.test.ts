import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../cli/main.ts';
import { sampleJournal, sampleRun } from './test-support.ts';

const root = mkdtempSync(join(tmpdir(), 'drillbit-report-'));

async function drillbit(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { cwd: root, stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), signal: new AbortController().signal, tty: false });
  return { code, stdout, stderr };
}

function runDir(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, file), content);
  return dir;
}

const journal = `${sampleJournal().join('\n')}\n`;

describe('drillbit report', () => {
  it('renders report.html from results.json', async () => {
    const dir = runDir('ok', { 'results.json': JSON.stringify(sampleRun()), 'journal.ndjson': journal });
    const { code, stdout } = await drillbit('report', dir);
    expect(code).toBe(0);
    expect(stdout).toBe(`report: ok/report.html (1/2 passed)\n`);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('Drillbit run <code>run-1</code>');
  });

  it('renders from the journal of a killed run, marked incomplete, and --out puts it elsewhere', async () => {
    const dir = runDir('killed', { 'journal.ndjson': journal });
    const { code, stdout } = await drillbit('report', dir, '--out', 'elsewhere/r.html');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^report: elsewhere\/r\.html \(1\/3 passed; incomplete: rebuilt from the journal \(no results\.json; the run was killed, 2 unfinished attempts marked aborted\)/);
    const html = readFileSync(join(root, 'elsewhere/r.html'), 'utf8');
    expect(html).toContain('id="incomplete"');
    expect(html.match(/data-status="aborted"/g)?.length).toBeGreaterThanOrEqual(2);
  });

  it('never replaces the run\'s complete report with one rebuilt from less: the rebuilt one goes beside it, with a warning saying why', async () => {
    const dir = runDir('kept', { 'results.json': JSON.stringify(sampleRun()), 'journal.ndjson': journal });
    expect((await drillbit('report', dir)).code).toBe(0);
    const complete = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(complete).not.toContain('id="incomplete"');
    writeFileSync(join(dir, 'results.json'), '{"runId": "run-1", "scenarios": [');
    const { code, stdout, stderr } = await drillbit('report', dir);
    expect(code, 'the damaged results.json is still bad input').toBe(2);
    expect(readFileSync(join(dir, 'report.html'), 'utf8'), 'the complete report is untouched').toBe(complete);
    expect(stdout).toMatch(/^report: kept\/report\.incomplete\.html /m);
    expect(stderr).toContain("warning: kept/report.html is the run's complete report and is kept; this one, from less");
    expect(readFileSync(join(dir, 'report.incomplete.html'), 'utf8')).toContain('id="incomplete"');

    // An incomplete report may be replaced by another: there is nothing better to keep.
    const again = await drillbit('report', dir, '--out', join(dir, 'report.incomplete.html'));
    expect(again.stdout).toMatch(/^report: kept\/report\.incomplete\.html /m);
  });

  it('a results.json cut short by a killed run gets its unfinished attempts from the journal', async () => {
    const partial = sampleRun({ finishedAt: undefined, scenarios: [{ ...sampleRun().scenarios[1]!, name: 'first' }] });
    const dir = runDir('partial', { 'results.json': JSON.stringify(partial), 'journal.ndjson': journal });
    const { code, stdout } = await drillbit('report', dir);
    expect(code).toBe(0);
    expect(stdout).toContain('incomplete: the run stopped early; 2 attempts rebuilt from the journal');
  });

  it('a corrupt results.json: exit 2 naming the file, line and column, and the journal still renders', async () => {
    const text = JSON.stringify(sampleRun(), null, 2);
    const dir = runDir('corrupt', { 'results.json': text.slice(0, text.indexOf('"checks"') + 20), 'journal.ndjson': journal });
    const { code, stderr, stdout } = await drillbit('report', dir);
    expect(code).toBe(2);
    expect(stderr).toMatch(/corrupt\/results\.json: line \d+, column \d+: /);
    expect(stdout).toContain('incomplete: results.json is damaged; 0 attempts read from it, the rest rebuilt from the journal');
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toMatch(/class="banner error notices"><ul><li>[^<]*results\.json: line \d+, column \d+/);
  });

  it('a corrupt results.json and no journal: exit 2, and what came before the damage is rendered', async () => {
    const text = JSON.stringify(sampleRun(), null, 2);
    const dir = runDir('corrupt-alone', { 'results.json': `${text.slice(0, text.lastIndexOf('"finishedAt"'))}}},oops` });
    const { code, stderr } = await drillbit('report', dir);
    expect(code).toBe(2);
    expect(stderr).toMatch(/corrupt-alone\/results\.json: line \d+, column \d+/);
    expect(existsSync(join(dir, 'report.html'))).toBe(true);
  });

  it('bad input: a missing directory, or one that is no run, exits 2 with a hint', async () => {
    const missing = await drillbit('report', 'nope');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope: no such directory\n  hint: pass the --output directory/);
    const empty = await drillbit('report', runDir('empty', {}));
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('neither results.json nor journal.ndjson');
  });

  it('--history: pass rate and ttr across runs, newest last, linking each run that has a report', async () => {
    const history = join(root, 'nightly');
    for (const [i, day] of [3, 1, 2].entries()) {
      const run = sampleRun({ runId: `night-${day}`, startedAt: `2026-01-0${day}T02:00:00.000Z` });
      run.scenarios[1]!.recovery.ttrMs = day * 100;
      runDir(`nightly/n${i}`, { 'results.json': JSON.stringify(run) });
    }
    runDir('nightly/n9', { 'journal.ndjson': journal, 'report.html': '<p>old</p>' });
    mkdirSync(join(history, 'not-a-run'));
    const { code, stdout } = await drillbit('report', '--history', history);
    expect(code).toBe(0);
    expect(stdout).toBe('report: nightly/history.html (4 runs)\n');
    const html = readFileSync(join(history, 'history.html'), 'utf8');
    const data = JSON.parse(/id="drillbit-data">([\s\S]*?)<\/script>/.exec(html)![1]!) as { t: number[]; scenarios: string[]; ttrMs: (number | null)[][] };
    expect(data.t).toEqual([...data.t].sort((a, b) => a - b));
    // The journal-only run (n9) started on day 2 after night-2, and never restored anything.
    expect(data.ttrMs[data.scenarios.indexOf('bad release is rolled back')]).toEqual([100, 200, null, 300]);
    expect(html).toContain('<a href="n9/report.html">n9</a>');
  });
});
