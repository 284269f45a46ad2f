/** The parts of Stryker's mutation.json (mutation-testing-report-schema) the summary reads. */
export interface MutationReport {
  files: Record<string, { source: string; mutants: ReportMutant[] }>;
}

export interface ReportMutant {
  mutatorName: string;
  replacement?: string;
  status: string;
  location: { start: { line: number; column: number }; end: { line: number; column: number } };
}

/** Per file, why each surviving mutant may stay: keyed by `mutantKey`, so a key survives edits elsewhere in the file. */
export type Explanations = Record<string, Record<string, string>>;

export interface Counts {
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
  /** Mutants that crashed the runner or did not compile: not in the score, as Stryker counts it. */
  errors: number;
}

export interface FileScore extends Counts {
  file: string;
  /** (killed + timeout) / every valid mutant, %; null without one. */
  score: number | null;
  /** The same over mutants some test covered, %. */
  coveredScore: number | null;
}

export interface Survivor {
  file: string;
  line: number;
  mutator: string;
  original: string;
  replacement: string;
  key: string;
  /** Why it may stay; undefined when nobody said. */
  explanation: string | undefined;
}

export interface MutationSummary {
  total: FileScore;
  files: FileScore[];
  /** Survived and no-coverage mutants, in file and line order. */
  survivors: Survivor[];
  /** Explanations whose mutant no longer survives: to delete. */
  stale: { file: string; key: string }[];
}

const STATUS: Record<string, keyof Counts> = { Killed: 'killed', Timeout: 'timeout', Survived: 'survived', NoCoverage: 'noCoverage', RuntimeError: 'errors', CompileError: 'errors' };

export function summarizeMutation(report: MutationReport, explanations: Explanations): MutationSummary {
  const files: FileScore[] = [];
  const survivors: Survivor[] = [];
  const stale: { file: string; key: string }[] = [];
  for (const [file, { source, mutants }] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
    const counts = emptyCounts();
    const seen = new Set<string>();
    for (const mutant of mutants) {
      const status = STATUS[mutant.status];
      if (!status) continue;
      counts[status]++;
      if (status !== 'survived' && status !== 'noCoverage') continue;
      const original = snippet(source, mutant.location);
      const key = mutantKey(mutant.mutatorName, original, mutant.replacement ?? '');
      seen.add(key);
      survivors.push({ file, line: mutant.location.start.line, mutator: mutant.mutatorName, original, replacement: mutant.replacement ?? '', key, explanation: explanations[file]?.[key] });
    }
    files.push(score(file, counts));
    for (const key of Object.keys(explanations[file] ?? {})) if (!seen.has(key)) stale.push({ file, key });
  }
  const total = score('all files', files.reduce((sum, f) => addCounts(sum, f), emptyCounts()));
  survivors.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return { total, files, survivors, stale };
}

/** A mutant's name that does not depend on its line: mutator, the code it replaced, what it put there (whitespace collapsed, long code cut). */
export function mutantKey(mutator: string, original: string, replacement: string): string {
  return `${mutator}: ${clip(original)} → ${clip(replacement)}`;
}

export function renderSummary(summary: MutationSummary, context: { durationMs?: number; command: string }): string {
  const { total } = summary;
  const unexplained = summary.survivors.filter((s) => !s.explanation).length;
  const lines = [
    '# Mutation testing of the verdict core',
    '',
    `\`${context.command}\`${context.durationMs !== undefined ? `, ${formatMinutes(context.durationMs)}` : ''}: mutation score **${pct(total.score)}** (killed + timeout of every mutant), ${pct(total.coveredScore)} of covered code. ` +
      `${total.killed} killed, ${total.timeout} timeout, ${total.survived} survived, ${total.noCoverage} no coverage, ${total.errors} errors (not scored). ` +
      `${summary.survivors.length - unexplained} survivors explained, ${unexplained} unexplained.`,
    '',
    '| file | score | covered | killed | timeout | survived | no coverage | errors |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...[...summary.files, total].map((f) => `| ${f.file} | ${pct(f.score)} | ${pct(f.coveredScore)} | ${f.killed} | ${f.timeout} | ${f.survived} | ${f.noCoverage} | ${f.errors} |`),
    '',
    '## Survivors',
    '',
    ...(summary.survivors.length ? summary.survivors.map((s) => `- ${s.file}:${s.line} ${s.mutator} \`${clip(s.original)}\` → \`${clip(s.replacement)}\`: ${s.explanation ?? `**unexplained** (key \`${s.key}\`)`}`) : ['None.']),
  ];
  if (summary.stale.length) lines.push('', '## Explanations with no surviving mutant (delete them)', '', ...summary.stale.map((s) => `- ${s.file}: \`${s.key}\``));
  return `${lines.join('\n')}\n`;
}

function snippet(source: string, location: ReportMutant['location']): string {
  const lines = source.split('\n');
  const { start, end } = location;
  if (start.line === end.line) return lines[start.line - 1]?.slice(start.column - 1, end.column - 1) ?? '';
  return [lines[start.line - 1]?.slice(start.column - 1), ...lines.slice(start.line, end.line - 1), lines[end.line - 1]?.slice(0, end.column - 1)].join('\n');
}

function clip(code: string): string {
  const flat = code.replace(/\s+/g, ' ').trim();
  return flat.length > 80 ? `${flat.slice(0, 77)}...` : flat;
}

function score(file: string, counts: Counts): FileScore {
  const detected = counts.killed + counts.timeout;
  const covered = detected + counts.survived;
  const valid = covered + counts.noCoverage;
  return { file, ...counts, score: valid ? round2((detected / valid) * 100) : null, coveredScore: covered ? round2((detected / covered) * 100) : null };
}

function emptyCounts(): Counts {
  return { killed: 0, timeout: 0, survived: 0, noCoverage: 0, errors: 0 };
}

function addCounts(a: Counts, b: Counts): Counts {
  return { killed: a.killed + b.killed, timeout: a.timeout + b.timeout, survived: a.survived + b.survived, noCoverage: a.noCoverage + b.noCoverage, errors: a.errors + b.errors };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function pct(x: number | null): string {
  return x === null ? 'n/a' : `${x.toFixed(2)}%`;
}

function formatMinutes(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}
