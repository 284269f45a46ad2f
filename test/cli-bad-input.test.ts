import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from './drill-harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'drillbit-bad-'));
const stateDir = join(dir, 'state');

function drillbit(...args: string[]) {
  const result = spawnSync(process.execPath, [join(projectRoot, 'bin/drillbit.mjs'), ...args], {
    cwd: projectRoot,
    env: { ...process.env, DRILLBIT_HOME: stateDir, CI: 'true' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function scenarioFile(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const base = `name: broken
services:
  shop:
    releases: { good: ${join(projectRoot, 'fixtures/shop/v1')} }
traffic: { target: shop, rate: 10 }
slo: { recoveryTime: 5s }
`;

const cases: { title: string; file: string; expect: RegExp }[] = [
  { title: 'unknown service', file: scenarioFile('svc.drill.yaml', `${base}steps:\n  - { kind: deploy, service: cart, release: good }\n`), expect: /svc\.drill\.yaml: steps\[0\]\.service: unknown service "cart"/ },
  { title: 'unknown release', file: scenarioFile('rel.drill.yaml', `${base}steps:\n  - { kind: deploy, service: shop, release: v9 }\n`), expect: /rel\.drill\.yaml: steps\[0\]\.release: unknown release "v9"/ },
  { title: 'bad duration', file: scenarioFile('dur.drill.yaml', `${base}steps:\n  - { kind: deploy, service: shop, release: good }\n  - { kind: wait, for: 5 parsecs }\n`), expect: /dur\.drill\.yaml: steps\[1\]\.for: expected a duration like "5s"/ },
  { title: 'wrong types', file: scenarioFile('types.drill.json', JSON.stringify({ name: 1, services: [], slo: {}, steps: {} })), expect: /types\.drill\.json: name: .*\n.*types\.drill\.json: services: /s },
  {
    title: 'missing bundle',
    file: scenarioFile('bundle.drill.yaml', base.replace(join(projectRoot, 'fixtures/shop/v1'), '/nonexistent/bundle') + 'steps:\n  - { kind: deploy, service: shop, release: good }\n'),
    expect: /bundle\.drill\.yaml: services\.shop\.releases\.good: .*nonexistent/,
  },
  { title: 'unknown fault type', file: scenarioFile('fault-type.drill.yaml', `${base}steps:\n  - { kind: deploy, service: shop, release: good }\n  - { kind: fault, fault: teleport, target: shop }\n`), expect: /fault-type\.drill\.yaml: steps\[1\]\.fault: unknown fault type "teleport"; known: kill, pause/ },
  { title: 'fault without a target', file: scenarioFile('fault-target.drill.yaml', `${base}steps:\n  - { kind: deploy, service: shop, release: good }\n  - { kind: fault, fault: pause, for: 1s }\n`), expect: /fault-target\.drill\.yaml: steps\[1\]\.target: / },
  { title: 'fault with a negative duration', file: scenarioFile('fault-negative.drill.yaml', `${base}steps:\n  - { kind: deploy, service: shop, release: good }\n  - { kind: fault, fault: pause, target: shop, for: -1s }\n`), expect: /fault-negative\.drill\.yaml: steps\[1\]\.for: expected a duration/ },
  { title: 'fault with an absurd duration', file: scenarioFile('fault-absurd.drill.yaml', `${base}faults:\n  - { at: 1s, fault: pause, target: shop, for: 100h }\nsteps:\n  - { kind: deploy, service: shop, release: good }\n`), expect: /fault-absurd\.drill\.yaml: faults\[0\]\.for: duration "100h" is longer than 24h/ },
  { title: 'toxicity outside 0..1', file: scenarioFile('fault-toxicity.drill.yaml', `${base}steps:\n  - { kind: deploy, service: shop, release: good }\n  - { kind: fault, fault: latency, target: shop, params: { latency: 10, toxicity: 2 } }\n`), expect: /fault-toxicity\.drill\.yaml: steps\[1\]\.params\.toxicity: / },
  { title: 'unknown fault parameter', file: scenarioFile('fault-param.drill.yaml', `${base}steps:\n  - { kind: deploy, service: shop, release: good }\n  - { kind: fault, fault: cpu-hog, target: shop, for: 1s, params: { cores: 2 } }\n`), expect: /fault-param\.drill\.yaml: steps\[1\]\.params: .*cores/ },
  { title: 'YAML syntax error', file: scenarioFile('syntax.drill.yaml', 'name: [unclosed\n'), expect: /syntax\.drill\.yaml: could not load: / },
  { title: 'TypeScript that throws', file: scenarioFile('throws.drill.ts', 'throw new Error("scenario exploded");\n'), expect: /throws\.drill\.ts: could not load: scenario exploded/ },
];

describe('bad input exits 2 with the file and field named, never a stack trace, nothing started', () => {
  for (const c of cases) {
    it(c.title, () => {
      for (const command of ['run', 'validate']) {
        const { code, stderr } = drillbit(command, c.file);
        expect(code, stderr).toBe(2);
        expect(stderr).toMatch(c.expect);
        expect(stderr).toMatch(/hint: /);
        expect(stderr).not.toMatch(/^\s+at /m);
      }
      expect(existsSync(join(stateDir, 'runs'))).toBe(false);
    });
  }

  it('bad flags name the flag', () => {
    const good = join(projectRoot, 'scenarios');
    for (const [args, pattern] of [
      [['--repeat', '0'], /--repeat expects a whole number/],
      [['--seed', 'abc'], /--seed expects a whole number/],
      [['--shard', '3/2'], /--shard expects i\/n/],
      [['--reporter', 'list,xml'], /--reporter: unknown reporter "xml"/],
      [['--reporter', 'lisst'], /--reporter: unknown reporter "lisst" \(did you mean "list"\?\)/],
      [['--driver', 'k8s'], /--driver.*k8s/],
      [['--driver', 'dokcer'], /--driver: unknown driver "dokcer" \(did you mean "docker"\?\)/],
      [['--repaet', '2'], /unknown option '--repaet'\n\(Did you mean --repeat\?\)/],
      [['--grep', 'no scenario has this name'], /--grep .*no scenario name matches/],
      [['--min-pass-rate', '2'], /--min-pass-rate expects a ratio/],
    ] as const) {
      const { code, stderr } = drillbit('run', good, ...args);
      expect(code, `${args.join(' ')}: ${stderr}`).toBe(2);
      expect(stderr).toMatch(pattern);
    }
    expect(drillbit('run', join(dir, 'missing.drill.ts')).stderr).toMatch(/missing\.drill\.ts: no such file or folder/);
    expect(existsSync(join(stateDir, 'runs'))).toBe(false);
  });

  it('a .ts scenario in a CommonJS package loads (tsx compiles it as CommonJS), and so does the same file as .mts', () => {
    const pkg = join(dir, 'cjs-project');
    mkdirSync(join(pkg, 'node_modules'), { recursive: true });
    writeFileSync(join(pkg, 'package.json'), '{"name":"cjs-project"}');
    symlinkSync(projectRoot, join(pkg, 'node_modules', 'drillbit'));
    const body = `import { defineScenario, deploy } from 'drillbit';\nexport default defineScenario({ name: 'cjs', services: { shop: { releases: { v1: '${join(projectRoot, 'fixtures/shop/v1')}' } } }, slo: { recoveryTime: '1s' }, steps: [deploy('shop', 'v1')] });\n`;
    writeFileSync(join(pkg, 'x.drill.ts'), body);
    writeFileSync(join(pkg, 'y.drill.mts'), body.replace("name: 'cjs'", "name: 'esm'"));
    const cjs = drillbit('validate', join(pkg, 'x.drill.ts'));
    expect(cjs.code, cjs.stderr).toBe(0);
    expect(cjs.stdout).toMatch(/x\.drill\.ts/);
    expect(drillbit('validate', join(pkg, 'y.drill.mts')).code).toBe(0);
  });

  it('--dry-run prints the plan and starts nothing', () => {
    const { code, stdout } = drillbit('run', 'scenarios/bad-release-rolled-back.drill.ts', '--dry-run', '--seed', '7');
    expect(code).toBe(0);
    expect(stdout).toContain('seed 7');
    expect(stdout).toMatch(/1\. deploy shop@good/);
    expect(stdout).toContain('nothing was started');
    expect(existsSync(join(stateDir, 'runs'))).toBe(false);
  });
});
