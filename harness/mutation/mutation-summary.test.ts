import { describe, expect, it } from 'vitest';
import { mutantKey, renderSummary, summarizeMutation, type MutationReport } from './mutation-summary.ts';

const at = (line: number, from: number, to: number) => ({ start: { line, column: from }, end: { line, column: to } });
const report: MutationReport = {
  files: {
    'b.ts': { source: 'const ok = a > b;\nlog("x");\n', mutants: [
      { mutatorName: 'EqualityOperator', replacement: 'a >= b', status: 'Survived', location: at(1, 12, 17) },
      { mutatorName: 'StringLiteral', replacement: '""', status: 'NoCoverage', location: at(2, 5, 8) },
      { mutatorName: 'BooleanLiteral', replacement: 'true', status: 'Killed', location: at(1, 12, 17) },
      { mutatorName: 'BlockStatement', replacement: '{}', status: 'Timeout', location: at(1, 1, 2) },
      { mutatorName: 'BlockStatement', replacement: '{}', status: 'RuntimeError', location: at(1, 1, 2) },
    ] },
    'a.ts': { source: 'x', mutants: [{ mutatorName: 'X', replacement: 'y', status: 'Killed', location: at(1, 1, 2) }] },
  },
};

describe('summarizeMutation', () => {
  const explanations = { 'b.ts': { [mutantKey('EqualityOperator', 'a > b', 'a >= b')]: 'equivalent: a and b are never equal', 'gone: key': 'old' } };
  const summary = summarizeMutation(report, explanations);

  it('scores killed and timeout over every valid mutant, and over covered ones; errors are not scored', () => {
    expect(summary.files.map((f) => f.file)).toEqual(['a.ts', 'b.ts']);
    expect(summary.files[1]).toMatchObject({ killed: 1, timeout: 1, survived: 1, noCoverage: 1, errors: 1, score: 50, coveredScore: 66.67 });
    expect(summary.total).toMatchObject({ killed: 2, timeout: 1, survived: 1, noCoverage: 1, errors: 1, score: 60, coveredScore: 75 });
  });

  it('names each survivor by the code it changed, explained or not, and lists explanations nothing matches', () => {
    expect(summary.survivors).toMatchObject([
      { file: 'b.ts', line: 1, original: 'a > b', replacement: 'a >= b', explanation: 'equivalent: a and b are never equal' },
      { file: 'b.ts', line: 2, original: '"x"', explanation: undefined },
    ]);
    expect(summary.stale).toEqual([{ file: 'b.ts', key: 'gone: key' }]);
    const text = renderSummary(summary, { command: 'npm run mutate', durationMs: 125_000 });
    expect(text).toContain('`npm run mutate`, 2 min 5 s: mutation score **60.00%**');
    expect(text).toContain('| b.ts | 50.00% | 66.67% | 1 | 1 | 1 | 1 | 1 |');
    expect(text).toContain('- b.ts:1 EqualityOperator `a > b` → `a >= b`: equivalent: a and b are never equal');
    expect(text).toContain('- b.ts:2 StringLiteral `"x"` → `""`: **unexplained** (key `StringLiteral: "x" → ""`)');
    expect(text).toContain('1 survivors explained, 1 unexplained');
  });
});
