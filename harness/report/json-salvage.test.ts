import { describe, expect, it } from 'vitest';
import { lineAndColumn, parseJsonSalvaging } from './json-salvage.ts';

describe('JSON that survives truncation', () => {
  const run = { runId: 'r1', summary: { total: 2 }, scenarios: [{ name: 'a', checks: [{ status: 'passed' }] }, { name: 'b', checks: [{ status: 'failed' }] }], finishedAt: 'x' };
  const text = JSON.stringify(run, null, 2);

  it('parses valid JSON exactly as JSON.parse does', () => {
    for (const sample of [text, '[]', '"\\u00e9\\n"', '-1.5e3', 'null', '{"a":[true,false,null,{}]}', ' {"__proto__": 1} ']) {
      expect(parseJsonSalvaging(sample)).toEqual({ value: JSON.parse(sample) });
    }
    expect(Object.getPrototypeOf(parseJsonSalvaging('{"__proto__": {"x": 1}}').value)).toBe(Object.prototype);
  });

  it('keeps the scenarios that were complete before the cut, and names the line and column', () => {
    const cut = text.indexOf('"b"') + 3;
    const { value, problem } = parseJsonSalvaging(text.slice(0, cut));
    expect(value).toEqual({ runId: 'r1', summary: { total: 2 }, scenarios: [run.scenarios[0]] });
    expect(problem).toMatchObject({ message: 'unexpected end of file', offset: cut, ...lineAndColumn(text, cut) });
    expect(problem!.line).toBe(text.slice(0, cut).split('\n').length);
  });

  it('stops at the first corrupt byte', () => {
    const broken = text.replace('"passed"', 'passed');
    const { value, problem } = parseJsonSalvaging(broken);
    expect(problem?.message).toBe('unexpected character "p"');
    expect(broken.slice(problem!.offset, problem!.offset + 6)).toBe('passed');
    expect((value as { scenarios: unknown[] }).scenarios).toEqual([]);
  });

  it('reports trailing data, bad escapes and control characters', () => {
    expect(parseJsonSalvaging('{} x').problem).toMatchObject({ message: 'unexpected data after the JSON value', line: 1, column: 4 });
    expect(parseJsonSalvaging('"\\x"').problem?.message).toBe('invalid escape in a string');
    expect(parseJsonSalvaging('"a\u0001"').problem?.message).toBe('control character in a string');
    expect(parseJsonSalvaging('').problem?.message).toBe('unexpected end of file');
    expect(parseJsonSalvaging('{"a":1,}').problem?.message).toBe('expected a property name in double quotes');
  });
});
