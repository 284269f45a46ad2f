import { describe, expect, it } from 'vitest';
import { readJournal } from './journal-reader.ts';
import { sampleJournal } from './test-support.ts';

describe('journal reader', () => {
  it('rebuilds each attempt from a killed run: finished ones keep their verdict, the rest are aborted', () => {
    const { run, warnings, unfinished } = readJournal(`${sampleJournal().join('\n')}\n`, 'j.ndjson');
    expect(warnings).toEqual([]);
    expect(run).toMatchObject({ runId: 'run-j', driver: 'local', seed: 9, aborted: true });
    expect(run.finishedAt).toBeUndefined();
    expect(run.scenarios.map((s) => [s.name, s.status])).toEqual([['first', 'passed'], ['second', 'aborted'], ['third', 'aborted']]);
    expect(unfinished).toBe(2);
    const second = run.scenarios[1]!;
    expect(second.reasons[0]).toMatch(/^unfinished: .*rebuilt from the journal/);
    expect(second.reasons).toContain('rolled back within 5s: too slow');
    expect(second.checks).toEqual([{ name: 'rolled back within 5s', status: 'failed', message: 'too slow', tMs: 1500 }]);
    expect(second.timeline.map((e) => e.type)).toEqual(['run-start', 'deploy', 'deploy', 'guard', 'rollback-start', 'rollback', 'check', 'restored']);
    expect(second.recovery).toMatchObject({ detection: 'guard', detectedMs: 1400, restoredMs: 1450, ttrMs: 50, ttdMs: null, withinSlo: null });
    expect(second.data.readBack).toBe(false);
    expect(run.scenarios[2]!.reasons[0]).toMatch(/^never started/);
    expect(run.summary).toMatchObject({ total: 3, passed: 1, aborted: 2 });
  });

  it('skips a truncated last line and a corrupt line with warnings naming the file and line, and keeps the rest', () => {
    const lines = sampleJournal();
    lines[4] = '{"scenario":"first","attempt":1,"tMs":9'; // corrupt in the middle
    const text = `${lines.join('\n')}\n{"scenario":"second","attempt":1,"tMs":2600,"ty`;
    const { run, warnings } = readJournal(text, 'out/journal.ndjson');
    expect(warnings).toEqual([
      expect.stringMatching(/^out\/journal\.ndjson:5: corrupt line, skipped: /),
      expect.stringMatching(new RegExp(`^out/journal\\.ndjson:${lines.length + 1}: truncated line \\(the run was killed while writing it\\)`)),
    ]);
    expect(run.scenarios[0]!.checks).toEqual([]);
    expect(run.scenarios[1]!.timeline).toHaveLength(8);
  });

  it('reads an empty or headerless journal without throwing', () => {
    expect(readJournal('', 'j').run.scenarios).toEqual([]);
    expect(readJournal('[1]\n', 'j').warnings).toEqual(['j:1: not a journal record (a JSON array); skipped', 'j: no run-begin record: run id, driver and seed are unknown']);
  });
});
