import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { syntheticRun, syntheticScenario } from '../../test/synthetic-results.ts';
import { validateJunit, xpath } from '../../test/xml-tools.ts';
import { renderJunitXml } from './junit-reporter.ts';

const dir = mkdtempSync(join(tmpdir(), 'drillbit-junit-'));

function writeXml(name: string, xml: string): string {
  const file = join(dir, name);
  writeFileSync(file, xml);
  return file;
}

const hostile = `<img src=x onerror=alert(1)> & "double" 'single' \u0001bell\u001b[31m ]]> tab\there\nnewline`;

describe('JUnit XML', () => {
  it('escapes hostile names, quotes and control characters and stays valid against the schema', () => {
    const scenario = syntheticScenario({
      name: hostile,
      file: 'scenarios/<evil>&.drill.ts',
      status: 'failed',
      checks: [
        { name: `check "${hostile}"`, status: 'failed', message: `lost <b>3</b> & "more" \u0000 writes`, tMs: 10, observed: { ids: ['<x>'] } },
        { name: 'surrogates \uD83D\uDE00 and a lone \uD800 one', status: 'passed', message: 'ok' },
      ],
    });
    const file = writeXml('hostile.xml', renderJunitXml(syntheticRun([scenario], { runId: 'run "1" <x>' })));
    const validation = validateJunit(file);
    expect(validation.ok, validation.output).toBe(true);
    const xml = renderJunitXml(syntheticRun([scenario]));
    expect(xml).not.toContain('<img');
    expect(xml).not.toContain('<b>');
    const visible = (s: string) => s.replace('\u0001', '\\u0001').replace('\u001b', '\\u001b');
    expect(xpath(file, 'string(//testsuite/@name)')).toBe(visible(hostile));
    expect(xpath(file, 'string(//testsuite/@package)')).toBe('scenarios/<evil>&.drill.ts');
    expect(xpath(file, 'string(//testcase[1]/@name)')).toBe(`check "${visible(hostile)}"`);
    expect(xpath(file, 'string(//testcase[1]/failure/@message)')).toBe('lost <b>3</b> & "more" \\u0000 writes');
    expect(xpath(file, 'string(//testcase[2]/@name)')).toBe('surrogates \uD83D\uDE00 and a lone \\ud800 one');
  });

  it('a passing drill has no failure; a failing one has exactly its failing checks, unknown as "no data"', () => {
    const passing = syntheticScenario({ name: 'good', status: 'passed', checks: [{ name: 'a', status: 'passed', message: 'ok' }, { name: 'b', status: 'passed', message: 'ok' }] });
    const failing = syntheticScenario({
      name: 'bad',
      status: 'failed',
      checks: [
        { name: 'LKG state restored', status: 'failed', message: 'shop runs v2, not the LKG' },
        { name: 'guard analysis had data', status: 'unknown', message: 'no data: the guard saw no samples' },
        { name: 'SLIs over the whole drill', status: 'passed', message: 'ok' },
      ],
    });
    const file = writeXml('verdicts.xml', renderJunitXml(syntheticRun([passing, failing])));
    expect(validateJunit(file).ok).toBe(true);
    expect(xpath(file, 'string(//testsuite[@name="good"]/@failures)')).toBe('0');
    expect(xpath(file, 'count(//testsuite[@name="good"]//failure)')).toBe('0');
    expect(xpath(file, 'string(//testsuite[@name="bad"]/@tests)')).toBe('3');
    expect(xpath(file, 'string(//testsuite[@name="bad"]/@failures)')).toBe('2');
    expect(xpath(file, 'string(//testcase[@name="LKG state restored"]/failure/@type)')).toBe('failed');
    expect(xpath(file, 'string(//testcase[@name="guard analysis had data"]/failure/@type)')).toBe('unknown');
    expect(xpath(file, 'string(//testcase[@name="guard analysis had data"]/failure/@message)')).toMatch(/^no data: /);
    expect(xpath(file, 'count(//testcase[@name="SLIs over the whole drill"]/*)')).toBe('0');
    expect(xpath(file, 'string(/testsuites/@failures)')).toBe('2');
    expect(xpath(file, 'string(//testcase[@name="LKG state restored"]/@classname)')).toBe('scenarios/synthetic.drill.ts');
  });

  it('an errored or aborted drill is an <error> testcase; timings are seconds; numbers are properties', () => {
    const errored = syntheticScenario({ name: 'boom', status: 'errored', durationMs: 1234, checks: [], error: { message: 'driver could not start shop', hint: 'is port 80 free?' } });
    const aborted = syntheticScenario({ name: 'cut', status: 'aborted', checks: [], recovery: { ttdMs: null, ttrMs: null, rtoMs: 5000, withinSlo: null } });
    const passed = syntheticScenario({ name: 'fine', status: 'passed', recovery: { ttdMs: 75, ttrMs: 1500, rtoMs: 15_000, withinSlo: true } });
    const file = writeXml('errors.xml', renderJunitXml(syntheticRun([errored, aborted, passed])));
    expect(validateJunit(file).ok).toBe(true);
    expect(xpath(file, 'string(//testsuite[@name="boom"]/@errors)')).toBe('1');
    expect(xpath(file, 'string(//testsuite[@name="boom"]/@time)')).toBe('1.234');
    expect(xpath(file, 'string(//testsuite[@name="boom"]/testcase/error/@type)')).toBe('errored');
    expect(xpath(file, 'string(//testsuite[@name="boom"]/testcase/error/@message)')).toBe('driver could not start shop');
    expect(xpath(file, 'string(//testsuite[@name="cut"]/testcase/error/@type)')).toBe('aborted');
    expect(xpath(file, 'count(//testsuite[@name="cut"]//property[@name="ttr_seconds"])')).toBe('0');
    expect(xpath(file, 'string(//testsuite[@name="fine"]//property[@name="ttr_seconds"]/@value)')).toBe('1.500');
    expect(xpath(file, 'string(//testsuite[@name="fine"]//property[@name="ttd_seconds"]/@value)')).toBe('0.075');
    expect(xpath(file, 'string(//testsuite[@name="fine"]//property[@name="seed"]/@value)')).toBe('7');
    expect(xpath(file, 'string(//testsuite[@name="fine"]//property[@name="driver"]/@value)')).toBe('local');
    expect(xpath(file, 'string(/testsuites/@errors)')).toBe('2');
  });

  it('names repeated attempts "name #n", and a failed drill with no failing check still fails', () => {
    const first = syntheticScenario({ name: 'flaky', attempt: 1, status: 'passed' });
    const second = syntheticScenario({ name: 'flaky', attempt: 2, status: 'failed', reasons: ['teardown failed'], checks: [{ name: 'a', status: 'passed', message: 'ok' }] });
    const file = writeXml('repeat.xml', renderJunitXml(syntheticRun([first, second])));
    expect(validateJunit(file).ok).toBe(true);
    expect(xpath(file, 'string(//testsuite[1]/@name)')).toBe('flaky #1');
    expect(xpath(file, 'string(//testsuite[2]/@name)')).toBe('flaky #2');
    expect(xpath(file, 'string(//testsuite[2]/@failures)')).toBe('1');
    expect(xpath(file, 'string(//testsuite[2]/testcase[@name="verdict"]/failure/@message)')).toBe('teardown failed');
  });

  it('the schema check is real: a document missing required attributes fails it', () => {
    const file = writeXml('invalid.xml', '<?xml version="1.0"?>\n<testsuites><testsuite tests="1"><testcase/></testsuite></testsuites>\n');
    const validation = validateJunit(file);
    expect(validation.ok).toBe(false);
    expect(validation.output).toMatch(/attribute 'name' is required/);
  });
});
