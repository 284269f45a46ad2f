import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify as toYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { drillbitInProcess } from './cli-in-process.ts';
import { projectRoot } from './drill-harness.ts';
import { childrenOf } from './process-scan.ts';

/**
 * Hostile and broken scenarios, generated: a valid scenario with one part replaced by a
 * wrong type, a huge or negative number, a negative or absurd duration, deep nesting,
 * unicode, a missing file, a prototype-pollution key, or a required field removed. Every
 * one that `drillbit validate` rejects must be rejected by `drillbit run` the same way: exit
 * 2, one line per problem naming the file and the field, no stack trace, no process started,
 * `Object.prototype` untouched. Cases counted and printed (the closing note reports them).
 */

const dir = mkdtempSync(join(tmpdir(), 'drillbit-hostile-'));
const stateDir = join(dir, 'state');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fixture = (name: string) => join(projectRoot, 'fixtures/shop', name);
const base = {
  name: 'hostile input',
  external: { stock: '127.0.0.1:9' },
  services: { shop: { releases: { good: fixture('v1'), bad: fixture('v2-errors') }, replicas: 1, strategy: 'blue-green', dependsOn: ['stock'] } },
  traffic: { target: 'shop', rate: 10, reads: ['/products'], writes: '/orders', writeShare: 0.2 },
  slo: { recoveryTime: '5s', availability: 0.9, dataLoss: 0 },
  guard: { errorRate: { above: 0.05, for: '1s' }, then: 'rollback' },
  faults: [{ at: '1s', fault: 'pause', target: 'shop', for: '500ms' }],
  steps: [
    { kind: 'deploy', service: 'shop', release: 'good' },
    { kind: 'steady', for: '1s' },
    { kind: 'deploy', service: 'shop', release: 'bad', expect: 'healthy' },
    { kind: 'expectRollback', within: '5s' },
    { kind: 'verifyRestored', for: '1s' },
  ],
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

/** Every path into `value` (objects and arrays included), so a mutation can hit any level. */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [prefix];
  const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return [prefix, ...keys.flatMap((k) => pathsOf((value as Record<string | number, unknown>)[k], [...prefix, k]))];
}
const PATHS = pathsOf(base).filter((p) => p.length > 0);

function nested(depth: number): Json {
  let value: Json = 'deep';
  for (let i = 0; i < depth; i += 1) value = i % 2 ? [value] : { a: value };
  return value;
}

const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, false, 0, -1, -0.5, 1e308, -1e308, 2 ** 53 + 2, '', '-5s', '0s', '1e400s', '5 parsecs', '100000h', 'NaN', 'Infinity', '\u0000', '\u202e5s', 'ε'.repeat(5000), '../../../etc/passwd', '/nonexistent/bundle', '__proto__', 'constructor', [], {}),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.integer({ min: 20, max: 3000 }).map(nested),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 5 }), fc.constant(null)), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.integer(), fc.string({ maxLength: 8 })), { maxKeys: 4 }),
);

type Mutation =
  | { kind: 'replace'; path: Path; value: Json }
  | { kind: 'remove'; path: Path }
  | { kind: 'pollute'; path: Path; key: '__proto__' | 'constructor' | 'prototype' };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('replace' as const), path: fc.constantFrom(...PATHS), value: hostileValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), path: fc.constantFrom(...PATHS) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('pollute' as const), path: fc.constantFrom<Path>([], ...PATHS.filter((p) => isObjectAt(p))), key: fc.constantFrom('__proto__' as const, 'constructor' as const, 'prototype' as const) }) },
);

function isObjectAt(path: Path): boolean {
  const value = path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], base);
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The scenario as file text: JSON built by hand for pollution keys (JSON.parse makes `__proto__` an own key, as a parser of user files does). */
function render(m: Mutation, format: 'json' | 'yaml'): string {
  const copy = structuredClone(base) as unknown as Record<string, Json>;
  const parentOf = (path: Path) => path.slice(0, -1).reduce<Json>((v, k) => (v as Record<string | number, Json>)[k]!, copy) as Record<string | number, Json>;
  let pollution: { path: Path; key: string } | undefined;
  if (m.kind === 'replace') parentOf(m.path)[m.path.at(-1)!] = m.value;
  else if (m.kind === 'remove') {
    const parent = parentOf(m.path);
    if (Array.isArray(parent)) parent.splice(Number(m.path.at(-1)), 1);
    else delete parent[m.path.at(-1)!];
  } else pollution = { path: m.path, key: m.key };
  if (!pollution) return format === 'json' ? JSON.stringify(copy) : yamlText(copy);
  // A placeholder key, swapped for the hostile key in the text.
  const target = pollution.path.reduce<Json>((v, k) => (v as Record<string | number, Json>)[k]!, copy) as Record<string, Json>;
  target['POLLUTION_KEY'] = { polluted: true, isAdmin: true };
  const text = format === 'json' ? JSON.stringify(copy) : yamlText(copy);
  return text.replace('POLLUTION_KEY', pollution.key);
}

/** Block YAML; flow YAML (JSON is YAML) when the value is too deep for the YAML writer. */
function yamlText(value: unknown): string {
  try {
    return toYaml(value);
  } catch {
    return JSON.stringify(value);
  }
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * What an answer to bad input must look like (exit 2 is checked by the caller): a headline
 * counting the problems, then one line per problem naming the file, a colon and what is
 * wrong; a hint line that says what to do; never a stack trace or an engine error's name.
 * Returns the problems, each with the file prefix taken off.
 */
function expectCleanRejection(stderr: string, file: string): string[] {
  expect(stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  expect(stderr).not.toMatch(/\b(TypeError|ReferenceError|RangeError|SyntaxError: Unexpected|Maximum call stack)\b/);
  const lines = stderr.trimEnd().split('\n');
  const problems = lines.filter((line) => line.startsWith('  ') && !line.startsWith('  hint:'));
  expect(lines[0], stderr).toBe(`drillbit: invalid scenario (${problems.length} problem${problems.length === 1 ? '' : 's'}):`);
  expect(problems.length).toBeGreaterThan(0);
  const named = new RegExp(`^  (?:\\S*/)?${escape(file)}: (\\S.*)$`);
  const details = problems.map((line) => {
    const match = named.exec(line);
    expect(match, `${line}\n(every problem line is "<file>: <what is wrong>")`).not.toBeNull();
    return match![1]!;
  });
  expect(lines.filter((line) => /^  hint: \S{3,}/.test(line)), stderr).toHaveLength(1);
  return details;
}

/** A problem that names its field as the validator does: `steps[3].within: …`, `services.shop.releases.bad: …`. */
const FIELD_PROBLEM = new RegExp(`^(${PATHS.map((p) => escape(String(p[0]))).filter((k, i, all) => all.indexOf(k) === i).join('|')})(\\[\\d+\\]|\\.[^\\s:]+)*: \\S`);
/** A file that cannot be read at all says where. */
const LOAD_PROBLEM = /^could not load: .+ at line \d+, column \d+/;

const counts = { cases: 0, rejected: 0, accepted: 0, crashes: 0, processesStarted: 0 };
let fileIndex = 0;

describe('hostile and broken scenarios (fast-check)', () => {
  it('every malformed JSON or YAML scenario exits 2 with one line per problem, no stack trace, no process, no pollution', async () => {
    mkdirSync(join(dir, 'cases'), { recursive: true });
    await fc.assert(
      fc.asyncProperty(mutation, fc.constantFrom('json' as const, 'yaml' as const), async (m, format) => {
        counts.cases += 1;
        const name = `case-${(fileIndex += 1)}.drill.${format}`;
        const file = join(dir, 'cases', name);
        writeFileSync(file, render(m, format));
        const display = join('cases', name);
        const validated = await drillbitInProcess(['validate', file], { cwd: dir, stateDir });
        if (![0, 2].includes(validated.code)) counts.crashes += 1;
        expect([0, 2], validated.stderr).toContain(validated.code);
        if (validated.code === 0) {
          counts.accepted += 1; // still a valid scenario (a unicode name, another number in range): not malformed
          return;
        }
        counts.rejected += 1;
        const problems = expectCleanRejection(validated.stderr, display);
        // The field: below the root, a problem names the field that is wrong (`steps[3].within: …`, not always the one
        // that was broken: a removed `external` makes `services.shop.dependsOn[0]` wrong), or says where the file
        // could not be read (line, column); at the root, the key that is wrong.
        const what = `${JSON.stringify(m).slice(0, 200)}\n${problems.join('\n')}`;
        if (m.path.length === 0) expect(problems.join('\n'), what).toContain(m.kind === 'pollute' ? `"${m.key}"` : '');
        else expect(problems.some((p) => FIELD_PROBLEM.test(p) || LOAD_PROBLEM.test(p)), what).toBe(true);
        const before = childrenOf(process.pid).map((p) => p.pid);
        const ran = await drillbitInProcess(['run', file, '--output', join(dir, 'out', name)], { cwd: dir, stateDir });
        const started = childrenOf(process.pid).map((p) => p.pid).filter((pid) => !before.includes(pid));
        counts.processesStarted += started.length;
        expect(ran.code, ran.stderr).toBe(2);
        expectCleanRejection(ran.stderr, display);
        expect(started).toEqual([]);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
      }),
      { numRuns: 300, seed: 20261126 },
    );
    console.log(`hostile input: ${counts.cases} generated scenarios, ${counts.rejected} rejected with exit 2, ${counts.accepted} still valid, ${counts.crashes} crashes, ${counts.processesStarted} processes started`);
    expect(counts.crashes).toBe(0);
    expect(counts.rejected).toBeGreaterThan(200);
  }, 240_000);

  const tsCases: { title: string; source: string; expect: RegExp }[] = [
    { title: 'a cyclic scenario object', source: 'const s: any = { name: "cyclic" }; s.self = s; s.services = { shop: s };\nexport default s;\n', expect: /^self: refers back to the scenario itself \(a cyclic reference\); a scenario must be a tree$/ },
    { title: 'a cycle inside releases', source: 'import { defineScenario } from "drillbit";\nconst shop: any = { releases: { good: "fixtures/shop/v1" } }; shop.releases.loop = shop;\nexport default defineScenario({ name: "c", services: { shop }, traffic: { target: "shop", rate: 10 }, slo: { recoveryTime: "5s" }, steps: [{ kind: "deploy", service: "shop", release: "good" }] } as any);\n', expect: /^services\.shop\.releases\.loop: refers back to services\.shop \(a cyclic reference\); a scenario must be a tree$/ },
    { title: 'a throw at import', source: 'throw new Error("boom at import");\n', expect: /^could not load: boom at import$/ },
    { title: 'a syntax error', source: 'export default {{;\n', expect: /^could not load: Expected identifier but found "\{" at line 1, column 17$/ },
    { title: 'no default export', source: 'export const other = 1;\n', expect: /^could not load: expected `export default defineScenario\(\{\.\.\.\}\)`$/ },
    { title: 'a function as the scenario', source: 'export default () => 1;\n', expect: /^expected an object, got a function$/ },
    { title: 'a getter that throws', source: 'export default { get name() { throw new Error("getter bomb"); } };\n', expect: /^name: could not be read: getter bomb$/ },
    { title: 'a proxy that throws on every access', source: 'export default new Proxy({}, { get() { throw new Error("proxy bomb"); }, ownKeys() { throw new Error("proxy bomb"); } });\n', expect: /could not be read: proxy bomb$/ },
    { title: 'an import of a missing module', source: 'import x from "./nowhere.ts";\nexport default x;\n', expect: /^could not load: Cannot find module '.*\/nowhere\.ts' imported from .*\.drill\.ts$/ },
    { title: 'a prototype-polluting scenario', source: 'const s = JSON.parse(\'{"name":"p","__proto__":{"polluted":true}}\');\nexport default s;\n', expect: /^unknown field "__proto__"$/ },
  ];

  it.each(tsCases)('a TypeScript scenario with $title exits 2 naming the file, through the real CLI', ({ source, expect: pattern }) => {
    // A project of its own that has drillbit installed (linked), as a user's would.
    const project = join(dir, 'ts');
    if (!existsSync(join(project, 'node_modules/drillbit'))) {
      mkdirSync(join(project, 'node_modules'), { recursive: true });
      writeFileSync(join(project, 'package.json'), '{ "type": "module" }\n');
      symlinkSync(projectRoot, join(project, 'node_modules/drillbit'));
    }
    const name = `${tsCases.findIndex((c) => c.source === source)}.drill.ts`;
    writeFileSync(join(project, name), source);
    const result = spawnSync(process.execPath, [join(projectRoot, 'bin/drillbit.mjs'), 'run', join(project, name), '--output', join(dir, 'ts-out')], {
      cwd: projectRoot,
      env: { ...process.env, DRILLBIT_HOME: stateDir, CI: 'true' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status, result.stderr).toBe(2);
    // Each problem names the file, then the field where there is one; the one this case is about says exactly what is wrong.
    const problems = expectCleanRejection(result.stderr, name);
    expect(problems.some((p) => pattern.test(p)), `${pattern}\n${problems.join('\n')}`).toBe(true);
  });

  it('a scenario path that does not exist exits 2 naming it', async () => {
    const result = await drillbitInProcess(['run', join(dir, 'missing.drill.ts')], { cwd: dir, stateDir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`drillbit: ${join(dir, 'missing.drill.ts')}: no such file or folder\n  hint: pass scenario files or folders, e.g. \`drillbit run scenarios/\`\n`);
  });
});
