import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from './drill-harness.ts';

/**
 * Issue 15's "done when": a fresh project outside the repository installs the packed tarball,
 * `drillbit init`s a service of its own (the small HTTP server below), and runs the commands
 * init prints — validate, run, gate, report — with npx, as the README's "Drill your own
 * service" shows them. Once for a `"type": "module"` project, once for a CommonJS one (the
 * scenario's `import … from 'drillbit'` loads differently in each: as ESM, or compiled by tsx
 * to CommonJS and resolved by require). The CommonJS project links the ESM project's installed
 * node_modules (npm installs the same tree whatever the project's module type, and a second
 * install costs another ~25 s here), and runs one drill of the two.
 */
const root = mkdtempSync(join(tmpdir(), 'drillbit-tarball-'));
const esm = join(root, 'esm-project');
const cjs = join(root, 'cjs-project');
let tarball = '';
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The environment of a fresh shell: nothing of `npm test` (npm_*, node_modules/.bin on PATH), no Drillbit settings, the store under the temp root. */
function freshEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^(npm_|INIT_CWD$|DRILLBIT_|NODE_OPTIONS$)/.test(key)) env[key] = value;
  env.PATH = (process.env.PATH ?? '').split(delimiter).filter((entry) => !entry.includes('node_modules')).join(delimiter);
  env.CI = 'true';
  env.XDG_CACHE_HOME = join(root, 'cache');
  return env;
}

function sh(command: string, args: string[], cwd: string, timeoutMs: number): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, env: freshEnvironment(), encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGTERM' });
  if (result.error) throw new Error(`${command} ${args.join(' ')}: ${result.error.message}\n${result.stdout}\n${result.stderr}`);
  return result;
}

function expectOk(result: SpawnSyncReturns<string>, what: string): void {
  expect(result.status, `${what} exited ${result.status}\n${result.stdout}\n${result.stderr}`).toBe(0);
  expect(result.stderr).not.toContain('internal error');
}

/** The commands init printed after "next", as the user would paste them. */
function printedCommands(initOutput: string): string[][] {
  return initOutput.split('\n').filter((line) => line.startsWith('  npx drillbit ')).map((line) => line.trim().split(/\s+/));
}

const SERVER_ROUTES = `
const dataDir = process.env.DATA_DIR;
const file = join(dataDir, 'orders.ndjson');
const orders = () => (existsSync(file) ? readFileSync(file, 'utf8').split('\\n').filter(Boolean).map((line) => JSON.parse(line)) : []);
const json = (res, status, body) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
const server = createServer((req, res) => {
  if (req.url === '/healthz') return json(res, 200, { ok: true });
  if (req.url === '/products') return json(res, 200, [{ id: 'p1', name: 'cordless drill' }]);
  if (req.url === '/orders' && req.method === 'GET') return json(res, 200, orders());
  if (req.url === '/orders' && req.method === 'POST') {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => { const { id } = JSON.parse(body); appendFileSync(file, JSON.stringify({ id }) + '\\n'); json(res, 201, { id }); });
    return;
  }
  json(res, 404, { error: 'not found' });
});
server.listen(Number(process.env.APP_PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;
const ESM_SERVER = `import { createServer } from 'node:http';\nimport { appendFileSync, existsSync, readFileSync } from 'node:fs';\nimport { join } from 'node:path';\n${SERVER_ROUTES}`;
const CJS_SERVER = `const { createServer } = require('node:http');\nconst { appendFileSync, existsSync, readFileSync } = require('node:fs');\nconst { join } = require('node:path');\n${SERVER_ROUTES}`;
const INIT_FLAGS = ['--port-env', 'APP_PORT', '--health', '/healthz', '--data-env', 'DATA_DIR', '--reads', '/products,/orders', '--writes', '/orders'];

beforeAll(() => {
  mkdirSync(join(root, 'pack'));
  const pack = sh('npm', ['pack', '--pack-destination', join(root, 'pack'), '--silent'], projectRoot, 120_000);
  expectOk(pack, 'npm pack');
  tarball = join(root, 'pack', pack.stdout.trim().split('\n').at(-1)!);
  mkdirSync(esm);
  writeFileSync(join(esm, 'package.json'), `${JSON.stringify({ name: 'my-esm-shop', version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`);
  // The dependencies come from npm's cache (filled by `npm ci` here); a cold cache asks the registry.
  expectOk(sh('npm', ['i', '-D', tarball, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], esm, 240_000), 'npm i -D <tarball>');
}, 300_000);

describe('drillbit installed from its tarball into a fresh project', () => {
  it('ships what runs and none of the tests or fixtures', () => {
    const installed = join(esm, 'node_modules', 'drillbit');
    expect(existsSync(join(installed, 'bin', 'drillbit.mjs'))).toBe(true);
    expect(existsSync(join(installed, 'harness', 'index.ts'))).toBe(true);
    expect(existsSync(join(installed, 'harness', 'report', 'html', 'report.css'))).toBe(true);
    for (const absent of ['fixtures', 'test', 'scenarios', 'reports']) expect(existsSync(join(installed, absent)), absent).toBe(false);
    const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [e.name]));
    expect(files(join(installed, 'harness')).filter((name) => name.endsWith('.test.ts'))).toEqual([]);
  });

  it('"type": "module" project: init for its own server, then validate, run, gate and report as init prints them', () => {
    writeFileSync(join(esm, 'server.mjs'), ESM_SERVER);
    const init = sh('npx', ['drillbit', 'init', '--service', 'shop', '--command', 'node server.mjs', ...INIT_FLAGS], esm, 60_000);
    expectOk(init, 'drillbit init');
    const commands = printedCommands(init.stdout);
    expect(commands.map((c) => c[2])).toEqual(['validate', 'run', 'gate', 'report']);
    for (const command of commands) expectOk(sh(command[0]!, command.slice(1), esm, 120_000), command.join(' '));

    const results = JSON.parse(readFileSync(join(esm, 'reports/shop-first-drill/results.json'), 'utf8'));
    expect(results.summary).toMatchObject({ total: 2, passed: 2 });
    expect(results.scenarios.every((s: { data: { acked: number; lost: number } }) => s.data.acked > 0 && s.data.lost === 0)).toBe(true);
    expect(readFileSync(join(esm, 'reports/shop-first-drill/report.html'), 'utf8')).toContain('shop: planned rollback from v2 to v1 under load');
  }, 240_000);

  it('a scenario outside any node_modules imports the Drillbit that runs it (ESM and CommonJS scopes)', () => {
    const outside = join(root, 'elsewhere');
    mkdirSync(join(outside, 'esm'), { recursive: true });
    writeFileSync(join(outside, 'esm', 'package.json'), '{ "type": "module" }\n');
    const scenario = (name: string) => `import { defineScenario, deploy, steady } from 'drillbit';
export default defineScenario({
  name: ${JSON.stringify(name)},
  services: { shop: { releases: { v1: ${JSON.stringify(join(esm, 'releases/shop/v1'))} } } },
  traffic: { target: 'shop', rate: 10, reads: ['/healthz'] },
  slo: { recoveryTime: '5s' },
  steps: [deploy('shop', 'v1'), steady('1s')],
});
`;
    writeFileSync(join(outside, 'esm', 'outside.drill.ts'), scenario('outside, ESM scope'));
    writeFileSync(join(outside, 'no-package.drill.ts'), scenario('outside, no package.json'));
    const validate = sh('npx', ['drillbit', 'validate', outside], esm, 60_000);
    expectOk(validate, 'drillbit validate <outside>');
    expect(validate.stdout).toContain('2 scenarios valid');
  }, 120_000);

  it('CommonJS project: init, validate and run a drill as printed, and gate on it', () => {
    mkdirSync(cjs);
    writeFileSync(join(cjs, 'package.json'), `${JSON.stringify({ name: 'my-cjs-shop', version: '1.0.0', private: true, devDependencies: { drillbit: `file:${tarball}` } }, null, 2)}\n`);
    symlinkSync(join(esm, 'node_modules'), join(cjs, 'node_modules'));
    writeFileSync(join(cjs, 'server.js'), CJS_SERVER);
    const init = sh('npx', ['drillbit', 'init', '--service', 'shop', '--command', 'node server.js', ...INIT_FLAGS], cjs, 60_000);
    expectOk(init, 'drillbit init');
    const [validate, run, gate] = printedCommands(init.stdout);
    expectOk(sh(validate![0]!, validate!.slice(1), cjs, 60_000), validate!.join(' '));
    expectOk(sh(run![0]!, [...run!.slice(1), '--grep', 'planned rollback'], cjs, 120_000), run!.join(' '));
    expectOk(sh(gate![0]!, gate!.slice(1), cjs, 60_000), gate!.join(' '));
  }, 240_000);
});
