import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from './drill-harness.ts';

/**
 * `drillbit run` in a project that has never run a drill, with nothing set: no DRILLBIT_HOME,
 * no .drillbit/ (the README's first command on a fresh clone). The release store is outside
 * the project (the user's cache; here a temporary XDG_CACHE_HOME), so nothing else makes
 * .drillbit/ before the ledger's lock needs it.
 */
const project = mkdtempSync(join(tmpdir(), 'drillbit-fresh-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));

describe('a fresh project', () => {
  it('runs a drill with nothing set up: the ledger and run folders appear under .drillbit/, the store in the user cache', () => {
    writeFileSync(join(project, 'first.drill.yaml'), `name: first drill
services:
  shop: { releases: { v1: ${join(projectRoot, 'fixtures/shop/v1')} } }
traffic: { target: shop, rate: 20, reads: [/products] }
slo: { recoveryTime: 5s, availability: 0.5 }
steps:
  - { kind: deploy, service: shop, release: v1 }
  - { kind: steady, for: 1s }
`);
    const env: Record<string, string | undefined> = { ...process.env, CI: 'true', XDG_CACHE_HOME: join(project, 'cache') };
    delete env.DRILLBIT_HOME;
    delete env.DRILLBIT_STORE;
    delete env.DRILLBIT_LEDGER;
    const run = spawnSync(process.execPath, [join(projectRoot, 'bin/drillbit.mjs'), 'run', 'first.drill.yaml', '--output', 'out'], { cwd: project, env, encoding: 'utf8', timeout: 120_000 });
    expect(run.status, run.stderr + run.stdout).toBe(0);
    expect(run.stderr).not.toContain('internal error');
    expect(readFileSync(join(project, '.drillbit', 'ledger.ndjson'), 'utf8')).toContain('"type":"deploy"');
    expect(existsSync(join(project, 'cache', 'drillbit', 'store'))).toBe(true);
    expect(existsSync(join(project, '.drillbit', 'store')), 'no store under the project').toBe(false);
  });
});
