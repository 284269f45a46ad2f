import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.ts';
import type { CheckResult } from '../checks/check-result.ts';
import type { Reporter } from './reporter.ts';
import { attr, text } from './xml-escape.ts';
import type { RunResults, ScenarioResult } from '../verdict/results.ts';

/**
 * `--reporter junit`: `<output>/junit.xml`, one <testsuite> per scenario attempt and one
 * <testcase> per check. A failed check is a <failure type="failed">; an unknown one is a
 * <failure type="unknown"> ("no data" never passes); an errored or aborted drill adds an
 * <error> testcase. Valid against the Jenkins JUnit schema (test/fixtures/junit/).
 */
export class JunitReporter implements Reporter {
  readonly version = 1 as const;

  constructor(private readonly outputDir: string) {}

  get path(): string {
    return join(this.outputDir, 'junit.xml');
  }

  async onScenarioEnd(_result: ScenarioResult, run: RunResults): Promise<void> {
    await writeFileAtomic(this.path, renderJunitXml(run));
  }

  async onEnd(run: RunResults): Promise<void> {
    await writeFileAtomic(this.path, renderJunitXml(run));
  }
}

export function renderJunitXml(run: RunResults): string {
  const repeated = repeatedScenarios(run.scenarios);
  const suites = run.scenarios.map((s, i) => testsuite(s, i, run, repeated.has(s.name)));
  const totals = run.scenarios.map(counts).reduce((a, b) => ({ tests: a.tests + b.tests, failures: a.failures + b.failures, errors: a.errors + b.errors }), { tests: 0, failures: 0, errors: 0 });
  const time = seconds(run.scenarios.reduce((sum, s) => sum + s.durationMs, 0));
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="${attr(`drillbit ${run.runId}`)}" tests="${totals.tests}" failures="${totals.failures}" errors="${totals.errors}" time="${time}">
${suites.join('')}</testsuites>
`;
}

function testsuite(s: ScenarioResult, index: number, run: RunResults, repeated: boolean): string {
  const { tests, failures, errors } = counts(s);
  const name = repeated ? `${s.name} #${s.attempt}` : s.name;
  return `  <testsuite name="${attr(name)}" package="${attr(s.file)}" id="${index}" tests="${tests}" failures="${failures}" errors="${errors}" time="${seconds(s.durationMs)}" timestamp="${attr(timestamp(s.startedAt))}" hostname="localhost">
    <properties>
${properties(s, run).map(([k, v]) => `      <property name="${attr(k)}" value="${attr(v)}"/>\n`).join('')}    </properties>
${testcases(s).join('')}    <system-out>${text(systemOut(s))}</system-out>
    <system-err></system-err>
  </testsuite>
`;
}

function testcases(s: ScenarioResult): string[] {
  const cases = (s.checks ?? []).map((c) => checkCase(s.file, c));
  const error = errorCase(s);
  if (error) cases.push(error);
  // A drill that did not pass always shows as not passing, even if no check says why.
  else if (s.status !== 'passed' && failingChecks(s) === 0) cases.push(testcase(s.file, 'verdict', `<failure message="${attr(s.reasons.join('; ') || s.status)}" type="${attr(s.status)}">${text(s.reasons.join('\n'))}</failure>`));
  return cases;
}

function checkCase(file: string, c: CheckResult): string {
  if (c.status === 'passed') return testcase(file, c.name);
  const message = c.status === 'unknown' && !c.message.startsWith('no data') ? `no data: ${c.message}` : c.message;
  const details = [message, c.tMs !== undefined ? `decided at ${c.tMs} ms into the drill` : '', c.observed ? `observed: ${JSON.stringify(c.observed)}` : ''].filter(Boolean).join('\n');
  return testcase(file, c.name, `<failure message="${attr(message)}" type="${c.status === 'unknown' ? 'unknown' : 'failed'}">${text(details)}</failure>`);
}

function errorCase(s: ScenarioResult): string | undefined {
  if (s.status !== 'errored' && s.status !== 'aborted') return undefined;
  const message = s.error?.message ?? (s.status === 'aborted' ? 'the drill was interrupted before its verdict' : s.reasons[0] ?? 'the drill errored');
  const details = [message, s.error?.hint ? `hint: ${s.error.hint}` : '', ...s.reasons].filter(Boolean).join('\n');
  return testcase(s.file, s.status === 'aborted' ? 'drill aborted' : 'drill errored', `<error message="${attr(message)}" type="${s.status}">${text(details)}</error>`);
}

function testcase(classname: string, name: string, body?: string): string {
  const open = `    <testcase classname="${attr(classname)}" name="${attr(name)}" time="0"`;
  return body ? `${open}>\n      ${body}\n    </testcase>\n` : `${open}/>\n`;
}

function counts(s: ScenarioResult): { tests: number; failures: number; errors: number } {
  const error = s.status === 'errored' || s.status === 'aborted' ? 1 : 0;
  const verdictCase = !error && s.status !== 'passed' && failingChecks(s) === 0 ? 1 : 0;
  return { tests: (s.checks?.length ?? 0) + error + verdictCase, failures: failingChecks(s) + verdictCase, errors: error };
}

function failingChecks(s: ScenarioResult): number {
  return (s.checks ?? []).filter((c) => c.status !== 'passed').length;
}

function properties(s: ScenarioResult, run: RunResults): [string, string][] {
  const props: [string, string | number | boolean | null | undefined][] = [
    ['status', s.status],
    ['attempt', s.attempt],
    ['seed', s.seed],
    ['root_seed', run.seed],
    ['driver', run.driver],
    ['run_id', run.runId],
    ['ttd_seconds', s.recovery?.ttdMs == null ? null : seconds(s.recovery.ttdMs)],
    ['ttr_seconds', s.recovery?.ttrMs == null ? null : seconds(s.recovery.ttrMs)],
    ['rto_seconds', s.recovery?.rtoMs == null ? null : seconds(s.recovery.rtoMs)],
    ['within_slo', s.recovery?.withinSlo],
    ['availability', s.slis?.availability],
    ['acked_writes', s.data?.acked],
    ['acked_writes_lost', s.data?.lost],
  ];
  // An unmeasured number (null) is left out rather than written as 0 or "null".
  return props.filter((p): p is [string, string | number | boolean] => p[1] !== null && p[1] !== undefined).map(([k, v]) => [k, String(v)]);
}

function systemOut(s: ScenarioResult): string {
  const lines = [`${s.name} #${s.attempt}: ${s.status}`, ...s.reasons.map((r) => `  ${r}`)];
  const r = s.recovery;
  if (r) lines.push(`ttd ${r.ttdMs ?? '–'} ms, ttr ${r.ttrMs ?? '–'} ms, RTO ${r.rtoMs} ms, within SLO ${r.withinSlo ?? '–'}`);
  return lines.join('\n');
}

function repeatedScenarios(scenarios: ScenarioResult[]): Set<string> {
  return new Set(scenarios.filter((s) => s.attempt > 1).map((s) => s.name));
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** Ant's schema wants a timezone-less ISO time; results hold UTC, so drop the "Z" and the milliseconds. */
function timestamp(iso: string | undefined): string {
  return (iso ?? new Date(0).toISOString()).slice(0, 19);
}
