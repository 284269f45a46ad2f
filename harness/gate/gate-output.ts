import { percent, type GateResult, type GateRow } from './pass-rate-gate.ts';

const HEADERS = ['scenario', 'attempts', 'passed', 'pass rate', '95% lower', 'flaky', 'gate', 'to meet'];

/** The gate as a plain-text table, then its verdict and reasons. */
export function formatGateTable(gate: GateResult, notes: string[] = []): string {
  const rows = gate.rows.map((r) => [r.name, String(r.attempts), String(r.passed), percent(r.passRate), percent(r.wilsonLower), r.flaky ? 'flaky' : '', verdict(r), toMeet(r)]);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i >= 5 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  const out = [line(HEADERS), ...rows.map(line), '', headline(gate), ...gate.reasons.map((r) => `  ${r}`), ...notes.map((n) => `  ${n}`)];
  return `${out.join('\n')}\n`;
}

/** The same for `$GITHUB_STEP_SUMMARY` (GitHub-flavoured markdown). */
export function formatGateMarkdown(gate: GateResult, notes: string[] = []): string {
  const cell = (s: string) => s.replaceAll('\\', '\\\\').replaceAll('|', '\\|').replace(/[\r\n]+/g, ' ').replace(/[<>&]/g, (c) => `&#${c.charCodeAt(0)};`);
  const rows = gate.rows.map((r) => `| ${cell(r.name)} | ${r.attempts} | ${r.passed} | ${percent(r.passRate)} | ${percent(r.wilsonLower)} | ${r.flaky ? 'flaky' : ''} | ${r.met ? '✅' : '❌'} | ${toMeet(r)} |`);
  return [
    `### Drillbit gate: ${gate.met ? 'met ✅' : 'not met ❌'}`,
    '',
    `Minimum pass rate ${percent(gate.minPassRate)} on the ${gate.on === 'lower-bound' ? '95% Wilson lower bound' : 'observed pass rate'}.`,
    '',
    `| ${HEADERS.join(' | ')} |`,
    `|${HEADERS.map((_, i) => (i === 0 || i >= 5 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...rows,
    '',
    ...[...gate.reasons, ...notes].map((r) => `- ${cell(r)}`),
    '',
  ].join('\n');
}

function headline(gate: GateResult): string {
  const basis = gate.on === 'lower-bound' ? '95% lower bound' : 'observed pass rate';
  return `gate ${gate.met ? 'met' : 'NOT met'}: ${basis} ≥ ${percent(gate.minPassRate)} for every scenario`;
}

/** The passing attempts a row still needs: blank when met, `+N passing`, or `never`. */
function toMeet(row: GateRow): string {
  if (row.met) return '';
  return row.passesToMeet === null ? 'never' : `+${row.passesToMeet} passing`;
}

function verdict(row: GateRow): string {
  return row.met ? 'ok' : row.measured === null ? 'no data' : 'below';
}
