import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { drillbitInProcess } from './cli-in-process.ts';

/**
 * results.json is the contract that gate, report and merge-reports read (issue 15 §4): a run
 * writes it whatever --reporter lists, so that the path the run prints exists and the
 * commands after it work on its output.
 */
describe('a run without json among its reporters', () => {
  it('--reporter list,html,junit still writes results.json at the path it prints; gate reads it, and report keeps the run\'s own report complete', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'drillbit-always-json-')), 'run');
    const run = await drillbitInProcess(['run', 'scenarios/bad-release-rolled-back.drill.ts', '--reporter', 'list,html,junit', '--output', out, '--seed', '1']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const printed = run.stdout.match(/^outputs: (\S+results\.json)$/m)?.[1];
    expect(printed, run.stdout).toBe(`${out}/results.json`);
    for (const file of ['report.html', 'junit.xml', 'journal.ndjson']) expect(run.stdout, `the run names ${file}`).toMatch(new RegExp(`^ +${out}/${file}$`, 'm'));
    expect(existsSync(printed!)).toBe(true);
    const results = JSON.parse(readFileSync(printed!, 'utf8')) as { scenarios: { status: string }[] };
    expect(results.scenarios.map((s) => s.status)).toEqual(['passed']);
    for (const file of ['report.html', 'junit.xml', 'journal.ndjson']) expect(existsSync(join(out, file)), file).toBe(true);

    const gate = await drillbitInProcess(['gate', out, '--min-pass-rate', '1', '--on', 'observed']);
    expect(gate.code, gate.stdout + gate.stderr).toBe(0);
    expect(gate.stdout).toContain('read 1 attempts from 1 of 1 results file');

    const report = await drillbitInProcess(['report', out]);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stderr).toBe('');
    expect(readFileSync(join(out, 'report.html'), 'utf8')).not.toContain('id="incomplete"');
  });
});
