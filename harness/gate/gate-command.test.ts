import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { drillbitInProcess } from '../../test/cli-in-process.ts';
import { attemptsOf, syntheticRun, writeResultsDir } from '../../test/synthetic-results.ts';

const root = mkdtempSync(join(tmpdir(), 'drillbit-gate-'));
const nineteenOfTwenty = writeResultsDir(join(root, 'nineteen'), syntheticRun(attemptsOf('bad release is rolled back', 19, 20)));

describe('drillbit gate', () => {
  it('19/20 vs 0.9: exit 1 on the lower bound (default), exit 0 on the observed rate', async () => {
    const lower = await drillbitInProcess(['gate', nineteenOfTwenty, '--min-pass-rate', '0.9']);
    expect(lower.code, lower.stderr).toBe(1);
    expect(lower.stdout).toMatch(/bad release is rolled back\s+20\s+19\s+95\.0%\s+76\.4%\s+flaky\s+below\s+\+33 passing$/m);
    expect(lower.stdout).toContain('bad release is rolled back: 95% lower bound 76.4% (observed 19/20) is below 90.0%; 33 more passing attempts would meet it');
    expect(lower.stdout).toContain('gate NOT met: 95% lower bound ≥ 90.0% for every scenario');
    const observed = await drillbitInProcess(['gate', nineteenOfTwenty, '--min-pass-rate', '0.9', '--on', 'observed']);
    expect(observed.code, observed.stderr).toBe(0);
    expect(observed.stdout).toContain('gate met');
  });

  it('combines the attempts of a scenario across runs', async () => {
    const a = writeResultsDir(join(root, 'night-1'), syntheticRun(attemptsOf('s', 10, 10)));
    const b = writeResultsDir(join(root, 'night-2'), syntheticRun(attemptsOf('s', 10, 10)));
    const one = await drillbitInProcess(['gate', a, '--min-pass-rate', '0.8']);
    expect(one.code).toBe(1); // 10/10: lower bound 0.72
    const both = await drillbitInProcess(['gate', a, b, '--min-pass-rate', '0.8']);
    expect(both.code, both.stdout).toBe(0); // 20/20: lower bound 0.84
    expect(both.stdout).toMatch(/^s\s+20\s+20\s+100\.0%\s+83\.9%\s+ok$/m);
  });

  it('fails the gate when a run was aborted', async () => {
    const dir = writeResultsDir(join(root, 'aborted'), syntheticRun(attemptsOf('s', 5, 5), { aborted: true }));
    const result = await drillbitInProcess(['gate', dir, '--min-pass-rate', '0', '--on', 'observed']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('a run was aborted before every scenario finished');
  });

  it('a truncated results.json: exit 2 naming the file, line and column, and what could be read is still gated, marked incomplete', async () => {
    const good = writeResultsDir(join(root, 'ok'), syntheticRun(attemptsOf('other', 3, 3)));
    const dir = writeResultsDir(join(root, 'truncated'), syntheticRun(attemptsOf('s', 4, 4)));
    const text = readFileSync(join(dir, 'results.json'), 'utf8');
    const cut = text.indexOf('"attempt": 3');
    writeFileSync(join(dir, 'results.json'), text.slice(0, cut));
    const line = text.slice(0, cut).split('\n').length;
    const result = await drillbitInProcess(['gate', good, dir, '--min-pass-rate', '0.1', '--on', 'observed']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${join(dir, 'results.json')}: line ${line}, column `);
    expect(result.stderr).toContain('unexpected end of file');
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stdout).toMatch(/^s\s+2\s+2\s+100\.0%/m);
    expect(result.stdout).toMatch(/^other\s+3\s+3/m);
    expect(result.stdout).toContain('INCOMPLETE');
  });

  it('a missing results.json or a file that is not results: exit 2 naming the file', async () => {
    const missing = await drillbitInProcess(['gate', join(root, 'nowhere'), '--min-pass-rate', '0.5']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`${join(root, 'nowhere', 'results.json')}: no such file`);
    const notResults = join(root, 'array.json');
    writeFileSync(notResults, '[1, 2]');
    const wrong = await drillbitInProcess(['gate', notResults, '--min-pass-rate', '0.5']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(`${notResults}: not a drillbit results object (found an array)`);
    const badStatus = writeResultsDir(join(root, 'bad-status'), syntheticRun(attemptsOf('s', 1, 1)));
    writeFileSync(join(badStatus, 'results.json'), readFileSync(join(badStatus, 'results.json'), 'utf8').replace('"status": "passed"', '"status": "ok"'));
    const invalid = await drillbitInProcess(['gate', badStatus, '--min-pass-rate', '0.5']);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/results\.json: scenarios\[0\]: status: /);
  });

  it('bad flags exit 2 naming the flag', async () => {
    for (const [args, pattern] of [
      [['--min-pass-rate', '1.5'], /--min-pass-rate expects a ratio/],
      [['--min-pass-rate', '0.9', '--on', 'median'], /--on expects one of lower-bound, observed, got "median"/],
      [[], /required option '--min-pass-rate <ratio>' not specified/],
    ] as const) {
      const result = await drillbitInProcess(['gate', nineteenOfTwenty, ...args]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(pattern);
    }
  });

  it('appends a markdown summary to $GITHUB_STEP_SUMMARY when set', async () => {
    const summary = join(root, 'step-summary.md');
    writeFileSync(summary, '# earlier step\n');
    const result = await drillbitInProcess(['gate', nineteenOfTwenty, '--min-pass-rate', '0.9'], { stepSummaryPath: summary });
    expect(result.code).toBe(1);
    const markdown = readFileSync(summary, 'utf8');
    expect(markdown).toMatch(/^# earlier step\n### Drillbit gate: not met ❌/);
    expect(markdown).toContain('| bad release is rolled back | 20 | 19 | 95.0% | 76.4% | flaky | ❌ | +33 passing |');
  });

  it('a folder of runs, or a glob that brings other files along: every run under it is read, the rest left out with a note', async () => {
    const reports = join(root, 'reports');
    writeResultsDir(join(reports, 'run-a'), syntheticRun(attemptsOf('s', 10, 10)));
    writeResultsDir(join(reports, 'run-b'), syntheticRun(attemptsOf('s', 10, 10)));
    writeFileSync(join(reports, 'README.md'), '# what this folder holds\n');
    mkdirSync(join(reports, 'empty'));
    const folder = await drillbitInProcess(['gate', reports, '--min-pass-rate', '0.8']);
    expect(folder.code, folder.stdout + folder.stderr).toBe(0);
    expect(folder.stdout).toMatch(/^s\s+20\s+20\s+100\.0%\s+83\.9%\s+ok$/m);
    expect(folder.stdout).toContain('a folder of 2 runs, each read');
    const glob = ['run-a', 'run-b', 'README.md', 'empty'].map((name) => join(reports, name));
    const globbed = await drillbitInProcess(['gate', ...glob, '--min-pass-rate', '0.8']);
    expect(globbed.code, globbed.stdout + globbed.stderr).toBe(0);
    expect(globbed.stdout).toMatch(/^s\s+20\s+20/m);
    expect(globbed.stdout).toContain(`${join(reports, 'README.md')}: not a run (no results.json or journal.ndjson), left out`);
    expect(globbed.stdout).toContain(`${join(reports, 'empty')}: not a run (no results.json or journal.ndjson in it or in a folder under it), left out`);
  });

  it('nothing but things that are not runs: exit 2 naming them, with a hint', async () => {
    const notes = join(root, 'notes.md');
    writeFileSync(notes, 'not a run\n');
    const result = await drillbitInProcess(['gate', notes, '--min-pass-rate', '0.5']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${notes}: no run among them`);
    expect(result.stderr).toContain('pass the output directories of drillbit run');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('ten scenarios at 1/1 under 0.9 on the lower bound: not met, and each row says 34 more passing attempts would meet it; 35/35 then does', async () => {
    const names = Array.from({ length: 10 }, (_, i) => `scenario ${i + 1}`);
    const once = writeResultsDir(join(root, 'ten-once'), syntheticRun(names.flatMap((name) => attemptsOf(name, 1, 1))));
    const result = await drillbitInProcess(['gate', once, '--min-pass-rate', '0.9']);
    expect(result.code).toBe(1);
    for (const name of names) expect(result.stdout).toMatch(new RegExp(`^${name}\\s+1\\s+1\\s+100\\.0%\\s+20\\.7%\\s+below\\s+\\+34 passing$`, 'm'));
    const enough = writeResultsDir(join(root, 'ten-enough'), syntheticRun(names.flatMap((name) => attemptsOf(name, 34, 34))));
    const met = await drillbitInProcess(['gate', once, enough, '--min-pass-rate', '0.9']);
    expect(met.code, met.stdout).toBe(0);
    const oneShort = writeResultsDir(join(root, 'ten-short'), syntheticRun(names.flatMap((name) => attemptsOf(name, 33, 33))));
    expect((await drillbitInProcess(['gate', once, oneShort, '--min-pass-rate', '0.9'])).code).toBe(1);
  });

  it('says never when no number of passing attempts would meet the minimum', async () => {
    const dir = writeResultsDir(join(root, 'one-failure'), syntheticRun(attemptsOf('s', 9, 10)));
    const result = await drillbitInProcess(['gate', dir, '--min-pass-rate', '1', '--on', 'observed']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^s\s+10\s+9\s+90\.0%\s+\S+\s+flaky\s+below\s+never$/m);
    expect(result.stdout).toContain('s: pass rate 90.0% (9/10) is below 100.0%; no number of passing attempts would meet it');
  });

  it('names the scenarios a run skipped (its driver could not run them): they are not gated, and the table says so', async () => {
    const dir = writeResultsDir(join(root, 'with-skipped'), syntheticRun(attemptsOf('s', 3, 3), { skipped: [{ name: 'compose stack', file: 'scenarios/compose.drill.ts', reason: 'compose environments need --driver docker or swarm' }] }));
    const result = await drillbitInProcess(['gate', dir, '--min-pass-rate', '1', '--on', 'observed']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('skipped, so not gated: compose stack (scenarios/compose.drill.ts) on driver local: compose environments need --driver docker or swarm');
  });
});
