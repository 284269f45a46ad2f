import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { drillbitInProcess } from '../../test/cli-in-process.ts';
import { promtoolCheckMetrics } from '../../test/prom-tools.ts';
import { syntheticRun, syntheticScenario, writeResultsDir } from '../../test/synthetic-results.ts';
import { validateJunit, xpath } from '../../test/xml-tools.ts';
import { resultsContract } from '../../test/results-contract.ts';
import type { RunResults } from '../verdict/results.ts';

const root = mkdtempSync(join(tmpdir(), 'drillbit-merge-'));
const set = 'sha256:' + 'a'.repeat(64);
const shard = (index: number, count = 2, scenarioSet = set) => ({ index, count, of: 3, scenarioSet });
const readMerged = (dir: string) => JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as RunResults;

function shardDir(name: string, run: RunResults, extra: string[] = ['junit.xml', 'metrics.prom']): string {
  return writeResultsDir(join(root, name), run, Object.fromEntries(extra.map((f) => [f, 'from the shard run'])));
}

describe('drillbit merge-reports', () => {
  it('merges the shards of one run into one results.json, junit.xml and metrics.prom, with no warning', async () => {
    const one = shardDir('shard-1', syntheticRun([syntheticScenario({ name: 'alpha', status: 'passed' }), syntheticScenario({ name: 'gamma', status: 'failed' })], { runId: 'run-a', shard: shard(1), startedAt: '2026-11-26T04:00:00.000Z' }));
    const two = shardDir('shard-2', syntheticRun([syntheticScenario({ name: 'beta', status: 'passed' })], { runId: 'run-b', shard: shard(2), seed: 9, finishedAt: '2026-11-26T05:00:00.000Z' }));
    const output = join(root, 'merged');
    const result = await drillbitInProcess(['merge-reports', one, two, '--output', output]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`merged 3 attempts (2 passed) from 2 of 2 runs into ${output}: results.json, junit.xml, metrics.prom`);
    const merged = readMerged(output);
    expect(resultsContract.safeParse(merged).error).toBeUndefined();
    expect(merged.scenarios.map((s) => [s.name, s.attempt, s.status])).toEqual([
      ['alpha', 1, 'passed'],
      ['gamma', 1, 'failed'],
      ['beta', 1, 'passed'],
    ]);
    expect(merged.summary).toMatchObject({ total: 3, passed: 2, failed: 1 });
    expect(merged.startedAt).toBe('2026-11-26T04:00:00.000Z');
    expect(merged.finishedAt).toBe('2026-11-26T05:00:00.000Z');
    expect(merged.scenarioStats!.map((s) => s.name)).toEqual(['alpha', 'gamma', 'beta']);
    expect(merged.merged).toMatchObject({ warnings: [], incomplete: false });
    expect(merged.merged!.sources.map((s) => [s.runId, s.seed, s.shard?.index, s.attempts, s.complete])).toEqual([
      ['run-a', 42, 1, 2, true],
      ['run-b', 9, 2, 1, true],
    ]);
    expect(validateJunit(join(output, 'junit.xml')).ok).toBe(true);
    expect(xpath(join(output, 'junit.xml'), 'count(//testsuite)')).toBe('3');
    const metrics = readFileSync(join(output, 'metrics.prom'), 'utf8');
    expect(promtoolCheckMetrics(metrics)).toEqual({ status: 0, output: '' });
    expect(metrics).toContain('drillbit_drill_runs_total{scenario="gamma",status="failed"} 1');
    expect(existsSync(join(output, 'report.html'))).toBe(false);
  });

  it('labels merges of different versions, drivers and scenario sets, missing shards and overlaps', async () => {
    const one = shardDir('mixed-1', syntheticRun([syntheticScenario({ name: 'alpha', status: 'passed' })], { shard: shard(1, 3) }), []);
    const other = shardDir('mixed-2', syntheticRun([syntheticScenario({ name: 'alpha', status: 'failed', file: 'scenarios/moved.drill.ts' })], { driver: 'docker', drillbitVersion: '0.2.0', shard: shard(2, 3, 'sha256:' + 'b'.repeat(64)) }), []);
    const output = join(root, 'merged-mixed');
    const result = await drillbitInProcess(['merge-reports', one, other, '--output', output]);
    expect(result.code, result.stderr).toBe(0);
    const merged = readMerged(output);
    expect(merged.driver).toBe('local,docker');
    expect(merged.drillbitVersion).toBe('0.1.0,0.2.0');
    expect(merged.merged!.warnings).toEqual([
      `the sources ran on different drivers: local (${join(one, 'results.json')}); docker (${join(other, 'results.json')})`,
      `the sources ran on different drillbit versions: 0.1.0 (${join(one, 'results.json')}); 0.2.0 (${join(other, 'results.json')})`,
      'the shards come from different scenario sets (different files, names or --grep): the merge is not one run of one set',
      'shard 3/3 missing: their scenarios are not in the merge',
      `scenario "alpha" is in 2 sources (${join(one, 'results.json')}, ${join(other, 'results.json')}), from different files (scenarios/synthetic.drill.ts, scenarios/moved.drill.ts): its attempts are combined and numbered 1…n`,
    ]);
    expect(merged.scenarios.map((s) => [s.attempt, (s as unknown as { mergedFrom: { source: number; attempt: number } }).mergedFrom])).toEqual([
      [1, { source: 0, runId: 'synthetic-run', attempt: 1 }],
      [2, { source: 1, runId: 'synthetic-run', attempt: 1 }],
    ]);
    expect(merged.scenarioStats![0]).toMatchObject({ name: 'alpha', attempts: 2, passed: 1, flaky: true });
    expect(result.stdout).toContain('warning: shard 3/3 missing');
  });

  it('a corrupt input: exit 2 naming its file and line, and the rest is merged, marked incomplete', async () => {
    const good = shardDir('good', syntheticRun([syntheticScenario({ name: 'alpha', status: 'passed' })]), []);
    const bad = shardDir('corrupt', syntheticRun([syntheticScenario({ name: 'beta', status: 'passed' }), syntheticScenario({ name: 'delta', status: 'passed' })]), []);
    const text = readFileSync(join(bad, 'results.json'), 'utf8');
    const at = text.indexOf('"name": "delta"');
    writeFileSync(join(bad, 'results.json'), `${text.slice(0, at)}"name": delta${text.slice(at + 15)}`);
    const output = join(root, 'merged-incomplete');
    const result = await drillbitInProcess(['merge-reports', good, bad, '--output', output]);
    expect(result.code).toBe(2);
    const line = text.slice(0, at).split('\n').length;
    expect(result.stderr).toContain(`${join(bad, 'results.json')}: line ${line}, column `);
    expect(result.stderr).toContain('INCOMPLETE');
    const merged = readMerged(output);
    expect(merged.scenarios.map((s) => s.name)).toEqual(['alpha', 'beta']);
    expect(merged.merged!.incomplete).toBe(true);
    expect(merged.merged!.sources.map((s) => s.complete)).toEqual([true, false]);
    expect(merged.merged!.warnings[0]).toContain(`line ${line}`);
  });

  it('a folder of shard runs (reports/ or reports/*) merges every run under it; what is not a run is left out with a note', async () => {
    const folder = join(root, 'ci-shards');
    shardDir('ci-shards/shard-1', syntheticRun([syntheticScenario({ name: 'alpha', status: 'passed' })], { runId: 'run-a', shard: shard(1) }));
    shardDir('ci-shards/shard-2', syntheticRun([syntheticScenario({ name: 'beta', status: 'passed' })], { runId: 'run-b', shard: shard(2) }));
    writeFileSync(join(folder, 'README.md'), '# shards\n');
    const whole = await drillbitInProcess(['merge-reports', folder, '--output', join(root, 'merged-folder')]);
    expect(whole.code, whole.stderr).toBe(0);
    expect(whole.stdout).toContain('merged 2 attempts (2 passed) from 2 of 2 runs');
    expect(whole.stderr).toBe(`drillbit: note: ${folder}: a folder of 2 runs, each read\n`);
    const globbed = await drillbitInProcess(['merge-reports', join(folder, 'shard-1'), join(folder, 'shard-2'), join(folder, 'README.md'), '--output', join(root, 'merged-glob')]);
    expect(globbed.code, globbed.stderr).toBe(0);
    expect(readMerged(join(root, 'merged-glob')).scenarios.map((s) => s.name)).toEqual(['alpha', 'beta']);
    expect(globbed.stderr).toContain(`${join(folder, 'README.md')}: not a run (no results.json or journal.ndjson), left out`);
  });

  it('nothing readable, or an output that is an input: exit 2 and nothing written', async () => {
    const none = await drillbitInProcess(['merge-reports', join(root, 'absent-1'), join(root, 'absent-2'), '--output', join(root, 'never')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('nothing to merge');
    expect(existsSync(join(root, 'never'))).toBe(false);
    const dir = shardDir('self', syntheticRun([syntheticScenario({ name: 'alpha', status: 'passed' })]), []);
    const self = await drillbitInProcess(['merge-reports', dir, '--output', dir]);
    expect(self.code).toBe(2);
    expect(self.stderr).toContain('is one of the inputs');
  });

  it('renders the merged HTML report through the HTML reporter\'s renderer when an input has one', async () => {
    const one = shardDir('html-1', syntheticRun([syntheticScenario({ name: 'alpha', status: 'passed' })], { runId: 'run-h1', shard: shard(1) }), ['report.html']);
    const two = shardDir('html-2', syntheticRun([syntheticScenario({ name: 'beta', status: 'failed' })], { runId: 'run-h2', shard: shard(2) }), []);
    const output = join(root, 'merged-html');
    const result = await drillbitInProcess(['merge-reports', one, two, '--output', output]);
    expect(result.code, result.stderr).toBe(0);
    const html = readFileSync(join(output, 'report.html'), 'utf8');
    expect(html).toContain('merged from 2 runs: run-h1 (shard 1/2), run-h2 (shard 2/2)');
    expect(html).toContain('beta');
  });
});
