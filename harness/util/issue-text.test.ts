import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../scenario/problem.ts';
import { loadScenarios } from '../scenario/scenario-loader.ts';
import { validateScenario } from '../scenario/scenario-validator.ts';
import { didYouMean, editDistance } from './did-you-mean.ts';
import { describeYamlError } from './yaml-error.ts';
import { parse as parseYaml } from 'yaml';

const valid = {
  name: 'ok',
  services: { shop: { releases: { good: 'fixtures/shop/v1' } } },
  traffic: { target: 'shop', rate: 10 },
  slo: { recoveryTime: '5s' },
  steps: [{ kind: 'deploy', service: 'shop', release: 'good' }],
};

function problems(value: unknown): string[] {
  return validateScenario(value, 'x.drill.yaml').problems.map(formatProblem);
}

/** What zod says in its own words, which a user must never read. */
const ZOD_WORDS = /Invalid input|Invalid discriminator|Invalid option|Unrecognized key|Too big|Too small|received undefined|expected number, received/;

describe('validation in Drillbit\'s words', () => {
  it('a missing slo says what it is and gives an example', () => {
    const { slo: _, ...noSlo } = valid;
    expect(problems(noSlo)).toEqual(['x.drill.yaml: slo: missing: every scenario states its SLO, e.g. slo: { recoveryTime: 15s, availability: 0.99 }']);
  });

  it('a misspelt step kind, field or option gets "did you mean", with what is allowed', () => {
    const found = problems({
      ...valid,
      services: { shop: { releases: { good: 'fixtures/shop/v1' }, replcas: 2 } },
      traffic: { target: 'shop', rate: 10, raed: ['/x'] },
      steps: [{ kind: 'deploy', service: 'shop', release: 'good', expect: 'healty' }, { kind: 'verfiyRestored', for: '1s' }],
    });
    expect(found).toContain('x.drill.yaml: services.shop: unknown field "replcas" (did you mean "replicas"?)');
    expect(found).toContain('x.drill.yaml: traffic: unknown field "raed" (did you mean "reads"?)');
    expect(found).toContain('x.drill.yaml: steps[0].expect: expected one of "healthy", "rejected", "any", got "healty" (did you mean "healthy"?)');
    expect(found).toContain('x.drill.yaml: steps[1].kind: unknown step kind "verfiyRestored" (did you mean "verifyRestored"?); expected one of deploy, steady, wait, rollback, expectRollback, checkDrift, promote, verifyRestored, fault, custom');
  });

  it('a field of a step kind is suggested from that kind\'s fields, not another\'s', () => {
    expect(problems({ ...valid, steps: [{ kind: 'steady', fro: '1s' }] })).toContain('x.drill.yaml: steps[0]: unknown field "fro" (did you mean "for"?)');
    expect(problems({ ...valid, steps: [{ kind: 'deploy', service: 'shop', release: 'good', withn: '1s' }] })).toContain('x.drill.yaml: steps[0]: unknown field "withn"');
  });

  it('wrong types and out-of-range values name the value and the bound', () => {
    const found = problems({ ...valid, traffic: { target: 'shop', rate: 'fast' }, slo: { recoveryTime: '5s', availability: 2 }, name: '' });
    expect(found).toContain('x.drill.yaml: traffic.rate: expected a number, got "fast"');
    expect(found).toContain('x.drill.yaml: slo.availability: must be at most 1, got 2');
    expect(found).toContain('x.drill.yaml: name: must be at least 1 character, got 0');
  });

  it('no message of a grid of broken scenarios is in zod\'s words', () => {
    const broken: unknown[] = [
      {}, { name: 1 }, { ...valid, services: [] }, { ...valid, steps: [{}] }, { ...valid, steps: [{ kind: 'fault' }] },
      { ...valid, traffic: null }, { ...valid, slo: { recoveryTime: true } }, { ...valid, guard: { errorRate: { above: 'x' } } },
      { ...valid, services: { shop: { releases: {}, replicas: -1, strategy: 'canary' } } }, { ...valid, faults: [{ at: {}, fault: 'kill' }] },
    ];
    for (const value of broken) {
      const found = problems(value);
      expect(found.length, JSON.stringify(value)).toBeGreaterThan(0);
      for (const problem of found) expect(problem, JSON.stringify(value)).not.toMatch(ZOD_WORDS);
    }
  });
});

describe('did you mean', () => {
  it('suggests the closest candidate within a third of the word, transpositions counting once, and nothing when none is close', () => {
    expect(didYouMean('lisst', ['list', 'json', 'junit', 'prom', 'html'])).toBe('list');
    expect(didYouMean('verfiyRestored', ['verifyRestored', 'steady'])).toBe('verifyRestored');
    expect(didYouMean('raed', ['rate', 'reads', 'target'])).toBe('reads');
    expect(didYouMean('kubernetes', ['local', 'docker', 'swarm'])).toBeUndefined();
    expect(didYouMean('list', ['list'])).toBeUndefined();
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});

describe('YAML syntax errors', () => {
  it('show the offending line with its number and a caret under the column', async () => {
    const text = 'name: x\nservices:\n  shop: { releases: { v1: a }\nsteps: []\n';
    let error: unknown;
    try {
      parseYaml(text);
    } catch (caught) {
      error = caught;
    }
    const described = describeYamlError(error, text)!;
    expect(described.split('\n')).toHaveLength(3);
    expect(described).toMatch(/ at line 4, column 1$/m);
    expect(described).toContain('\n4 | steps: []\n  | ^');

    const dir = mkdtempSync(join(tmpdir(), 'drillbit-yaml-'));
    writeFileSync(join(dir, 'broken.drill.yaml'), text);
    const loaded = await loadScenarios([join(dir, 'broken.drill.yaml')], dir);
    expect(loaded.problems.map(formatProblem)).toEqual([expect.stringContaining('broken.drill.yaml: could not load: ')]);
    expect(loaded.problems[0]!.message).toContain('4 | steps: []');
  });

  it('a very long line is cut around the column, the caret still under it', () => {
    const text = `name: [${'a, '.repeat(200)}\n`;
    let error: unknown;
    try {
      parseYaml(text);
    } catch (caught) {
      error = caught;
    }
    const [, excerpt, caret] = describeYamlError(error, text)!.split('\n');
    expect(excerpt!.length).toBeLessThanOrEqual(110);
    expect(caret!.indexOf('^')).toBeGreaterThan(0);
  });
});
