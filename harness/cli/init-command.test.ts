import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from './main.ts';
import { splitCommand } from './init-service.ts';

const BIN = fileURLToPath(new URL('../../bin/drillbit.mjs', import.meta.url));

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'drillbit-init-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'server.mjs'), '// the service\n');
  return dir;
}

async function init(cwd: string, args: string[], prompt?: (q: string) => Promise<string>) {
  let stdout = '';
  let stderr = '';
  const code = await main(['init', ...args], {
    cwd,
    stateDir: join(cwd, '.drillbit'),
    storeDir: join(cwd, 'store'),
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    tty: false,
    signal: new AbortController().signal,
    prompt,
  });
  return { code, stdout, stderr };
}

describe('drillbit init for the user’s own service', () => {
  it('writes a scenario and three release folders holding a copy of the command’s file, and prints the next commands', async () => {
    const cwd = project();
    const run = await init(cwd, ['--service', 'api', '--command', 'node server.mjs', '--port-env', 'APP_PORT', '--health', '/ready', '--data-env', 'DATA_DIR']);
    expect(run.code, run.stderr).toBe(0);
    const v1 = JSON.parse(readFileSync(join(cwd, 'releases/api/v1/release.json'), 'utf8'));
    expect(v1).toEqual({ service: 'api', version: '1.0.0', command: ['node', 'server.mjs'], env: { APP_PORT: '{port}', DATA_DIR: '{dataDir}' }, health: { path: '/ready', timeoutMs: 10_000 } });
    expect(JSON.parse(readFileSync(join(cwd, 'releases/api/v2/release.json'), 'utf8')).version).toBe('1.0.1');
    expect(JSON.parse(readFileSync(join(cwd, 'releases/api/v2-unhealthy/release.json'), 'utf8')).health.path).toBe('/drillbit-init-never-healthy');
    expect(readFileSync(join(cwd, 'releases/api/v2/server.mjs'), 'utf8')).toBe('// the service\n');
    expect(readFileSync(join(cwd, 'releases/api/README.md'), 'utf8')).toContain('APP_PORT');
    expect(run.stdout).toContain('npx drillbit validate scenarios/api.drill.ts\n');
    expect(run.stdout).toContain('npx drillbit run scenarios/api.drill.ts --output reports/api-first-drill\n');
    expect(run.stdout).toContain('npx drillbit gate reports/api-first-drill --min-pass-rate 1 --on observed\n');

    // The scenario in a temp folder with no node_modules: `drillbit` resolves to the Drillbit running it (bin/drillbit-specifier.mjs).
    const validate = spawnSync(process.execPath, [BIN, 'validate', 'scenarios/api.drill.ts'], { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, CI: '1' } });
    expect(validate.status, validate.stderr).toBe(0);
    expect(validate.stdout).toContain('ok scenarios/api.drill.ts: api: planned rollback from v2 to v1 under load\n');
    expect(validate.stdout).toContain('ok scenarios/api.drill.ts: api: an unhealthy candidate is rejected, the LKG keeps serving\n');
  });

  it('never overwrites: a second init exits 2 naming what exists, and leaves every file as it was', async () => {
    const cwd = project();
    expect((await init(cwd, ['--service', 'api', '--command', 'node server.mjs'])).code).toBe(0);
    writeFileSync(join(cwd, 'releases/api/v1/release.json'), 'mine');
    const again = await init(cwd, ['--service', 'api', '--command', 'node server.mjs']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('scenarios/api.drill.ts');
    expect(again.stderr).toContain('never overwrites');
    expect(readFileSync(join(cwd, 'releases/api/v1/release.json'), 'utf8')).toBe('mine');
  });

  it('without flags and without a terminal (or under CI) asks nothing: exit 2 naming --service and --command', async () => {
    const run = await init(project(), []);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('missing --service and --command');
    expect(run.stderr).toContain('hint: e.g. drillbit init --service api --command "node server.mjs"');
  });

  it('on a terminal asks for the service, and a blank answer takes the default', async () => {
    const cwd = project();
    const answers = ['shop', 'node server.mjs', '', '', '/,/products', ''];
    const asked: string[] = [];
    const run = await init(cwd, [], async (question) => (asked.push(question), answers.shift() ?? ''));
    expect(run.code, run.stderr).toBe(0);
    expect(asked[2]).toContain('(PORT)');
    const v1 = JSON.parse(readFileSync(join(cwd, 'releases/shop/v1/release.json'), 'utf8'));
    expect(v1.env).toEqual({ PORT: '{port}' });
    expect(v1.health.path).toBe('/healthz');
    expect(readFileSync(join(cwd, 'scenarios/shop.drill.ts'), 'utf8')).toContain('reads: ["/","/products"]');
  });

  it('bad input names every flag at once with a hint, never a stack trace, and writes nothing', async () => {
    const cwd = project();
    const run = await init(cwd, ['--service', 'a b', '--command', 'node x.mjs && rm -rf /', '--health', 'ready', '--port-env', '1PORT', '--files', '../outside']);
    expect(run.code).toBe(2);
    for (const flag of ['--service:', '--command:', '--health:', '--port-env:', '--files:']) expect(run.stderr).toContain(flag);
    expect(run.stderr).toContain('hint:');
    expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(existsSync(join(cwd, 'scenarios'))).toBe(false);
  });

  it('--image twice writes a docker drill of the two images and no release folders', async () => {
    const cwd = project();
    const run = await init(cwd, ['--service', 'api', '--image', 'myapp:1.2', '--image', 'myapp:1.3']);
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(join(cwd, 'scenarios/api.drill.ts'), 'utf8')).toContain('releases: { v1: "myapp:1.2", v2: "myapp:1.3" }');
    expect(existsSync(join(cwd, 'releases'))).toBe(false);
    expect(run.stdout).toContain('npx drillbit run scenarios/api.drill.ts --driver docker');
    expect((await init(cwd, ['--service', 'web', '--image', 'myapp:1.2'])).stderr).toContain('--image: give it twice');
  });

  it('init FILE alone still writes the example scenario of the sample shop', async () => {
    const cwd = project();
    const run = await init(cwd, ['scenarios/my-rollback.drill.ts']);
    expect(run.code).toBe(0);
    expect(readFileSync(join(cwd, 'scenarios/my-rollback.drill.ts'), 'utf8')).toContain("'fixtures/shop/v1'");
    expect((await init(cwd, ['x.yaml'])).stderr).toContain('scenario files are named *.drill.ts');
  });
});

describe('the README’s "Drill your own service"', () => {
  it('shows the init command, the release.json it writes and the commands it prints, as init has them', async () => {
    const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
    const section = readme.slice(readme.indexOf('## Drill your own service'), readme.indexOf('## A scenario'));
    const shell = /```sh\n([\s\S]*?)```/.exec(section)![1]!.split('\n').map((line) => line.replace(/\s+#.*$/, '').trim());
    const initLine = shell.find((line) => line.startsWith('npx drillbit init '))!;
    const cwd = project();
    const run = await init(cwd, splitCommand(initLine.replace('npx drillbit init ', ''))!);
    expect(run.code, run.stderr).toBe(0);
    const printed = run.stdout.split('\n').filter((line) => line.startsWith('  npx ')).map((line) => line.trim());
    expect(shell.filter((line) => line.startsWith('npx drillbit') && line !== initLine)).toEqual(printed);
    const shown = JSON.parse(/```json\n([\s\S]*?)```/.exec(section)![1]!);
    expect(JSON.parse(readFileSync(join(cwd, 'releases/shop/v1/release.json'), 'utf8'))).toEqual(shown);
  });
});

describe('splitCommand', () => {
  it('reads quotes and escapes as a shell does, and refuses an open quote', () => {
    expect(splitCommand(`node  "my server.mjs" --name 'a b' c\\ d ""`)).toEqual(['node', 'my server.mjs', '--name', 'a b', 'c d', '']);
    expect(splitCommand('node "open')).toBeUndefined();
  });
});
