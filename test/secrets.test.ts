import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from './drill-harness.ts';

/**
 * Secrets reach the service and never an output. Three drills whose crashing candidate
 * prints a secret in its last stderr line (which Drillbit puts in the rejection it reports):
 * a scenario secret from the environment, one from a file, and a release env value whose
 * name looks like a credential. Every file the run wrote (results.json, journal, JUnit,
 * HTML, metrics.prom, replica logs in the state directory) and the console are searched for
 * each value; `[redacted]` must be there instead, which proves the value did reach the
 * service and an output, and was hidden.
 */

const dir = mkdtempSync(join(tmpdir(), 'drillbit-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SECRETS = { fromEnv: 'env-secret-version-31415', fromFile: 'file-secret-version-27182', fromRelease: 'release-json-token-16180' };

function scenario(name: string, crash: string, secrets: string, good = join(projectRoot, 'fixtures/shop/v1')): string {
  return `name: ${name}
services:
  shop:
    releases: { good: ${good}, crash: ${crash} }
${secrets}traffic: { target: shop, rate: 20, reads: [/products] }
slo: { recoveryTime: 5s, availability: 0.9 }
steps:
  - { kind: deploy, service: shop, release: good }
  - { kind: steady, for: 500ms }
  - { kind: deploy, service: shop, release: crash, expect: rejected }
  - { kind: verifyRestored, for: 500ms }
`;
}

// Releases that leave SHOP_VERSION to the environment, so a secret can supply it (and the crashing one prints it).
const copyWithoutVersion = (from: string, to: string, version: string) => {
  cpSync(join(projectRoot, 'fixtures/shop', from), join(dir, to), { recursive: true });
  const m = JSON.parse(readFileSync(join(dir, to, 'release.json'), 'utf8'));
  delete m.env.SHOP_VERSION;
  m.version = version;
  writeFileSync(join(dir, to, 'release.json'), JSON.stringify(m, null, 2));
};
copyWithoutVersion('v1', 'good-secret', '1.0.0-secret-version');
copyWithoutVersion('v2-crash', 'crash-secret', '2.0.1-secret-version');

function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .filter((p) => statSync(p).size < 20_000_000);
}

describe('secrets', () => {
  it('are given to the service and never written to results, journal, JUnit, HTML, metrics, logs or the console', () => {
    // A candidate that prints its version (here: a secret) and crashes; and one whose release.json holds a token.
    const leaky = join(dir, 'leaky');
    cpSync(join(projectRoot, 'fixtures/shop/v2-crash'), leaky, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(leaky, 'release.json'), 'utf8'));
    manifest.version = '2.0.1-leaky';
    manifest.env.SHOP_API_TOKEN = SECRETS.fromRelease;
    manifest.env.SHOP_VERSION = `2.0.1 ${SECRETS.fromRelease}`;
    writeFileSync(join(leaky, 'release.json'), JSON.stringify(manifest, null, 2));
    writeFileSync(join(dir, 'version-secret.txt'), `${SECRETS.fromFile}\n`);
    const crash = './crash-secret';
    writeFileSync(join(dir, 'from-env.drill.yaml'), scenario('secret from the environment', crash, '    secrets: { SHOP_VERSION: { env: DRILLBIT_TEST_SHOP_VERSION } }\n', './good-secret'));
    writeFileSync(join(dir, 'from-file.drill.yaml'), scenario('secret from a file', crash, '    secrets: { SHOP_VERSION: { file: ./version-secret.txt } }\n', './good-secret'));
    writeFileSync(join(dir, 'from-release.drill.yaml'), scenario('secret-looking env of a release', './leaky', ''));

    const home = join(dir, 'home');
    const out = join(dir, 'out');
    const run = spawnSync(
      process.execPath,
      [join(projectRoot, 'bin/drillbit.mjs'), 'run', join(dir, 'from-env.drill.yaml'), join(dir, 'from-file.drill.yaml'), join(dir, 'from-release.drill.yaml'), '--reporter', 'list,json,junit,html,prom', '--output', out, '--verbose'],
      { cwd: projectRoot, env: { ...process.env, CI: 'true', DRILLBIT_HOME: home, DRILLBIT_LEDGER: join(dir, 'ledger.ndjson'), DRILLBIT_TEST_SHOP_VERSION: SECRETS.fromEnv }, encoding: 'utf8', timeout: 120_000 },
    );
    expect(run.status, run.stderr + run.stdout).toBe(0);

    // The release store keeps the releases as the user gave them (a release.json holding a token is the user's artifact): not an output.
    const outputs = [...filesUnder(out), ...filesUnder(home).filter((p) => !p.startsWith(join(home, 'store')))];
    expect(outputs.map((p) => p.slice(out.length + 1))).toEqual(expect.arrayContaining(['results.json', 'journal.ndjson', 'junit.xml', 'report.html', 'metrics.prom']));
    for (const value of Object.values(SECRETS)) {
      expect(run.stdout).not.toContain(value);
      expect(run.stderr).not.toContain(value);
      for (const file of outputs) expect(readFileSync(file, 'utf8').includes(value), `${value} in ${file}`).toBe(false);
    }
    // Each secret reached its service (it printed it as it crashed) and was redacted in what Drillbit reports.
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { scenarios: { name: string; timeline?: { message?: string }[] }[] };
    const journal = readFileSync(join(out, 'journal.ndjson'), 'utf8');
    expect(journal.match(/shop \[redacted\]: crashing on boot/g)?.length).toBeGreaterThanOrEqual(2);
    expect(journal).toMatch(/shop 2\.0\.1 \[redacted\]: crashing on boot/);
    expect(results.scenarios).toHaveLength(3);
  }, 180_000);

  it('a secret whose variable is not set is bad input naming the field, and its value is never echoed', () => {
    writeFileSync(join(dir, 'missing.drill.yaml'), scenario('missing secret', './crash-secret', '    secrets: { SHOP_VERSION: { env: DRILLBIT_TEST_NOT_SET } }\n', './good-secret'));
    const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', DRILLBIT_HOME: join(dir, 'home2'), DRILLBIT_LEDGER: join(dir, 'ledger2.ndjson') };
    delete env.DRILLBIT_TEST_NOT_SET;
    const run = spawnSync(process.execPath, [join(projectRoot, 'bin/drillbit.mjs'), 'run', join(dir, 'missing.drill.yaml'), '--output', join(dir, 'out2')], { cwd: projectRoot, env, encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/missing\.drill\.yaml: services\.shop\.secrets\.SHOP_VERSION: environment variable DRILLBIT_TEST_NOT_SET is not set/);
    expect(run.stderr).toMatch(/hint: export DRILLBIT_TEST_NOT_SET=/);
  });

  it('a secret that would replace a variable a release sets is bad input (it would change the release\'s configuration)', () => {
    writeFileSync(join(dir, 'clash.drill.yaml'), scenario('clashing secret', join(projectRoot, 'fixtures/shop/v2-crash'), '    secrets: { SHOP_VERSION: { env: HOME } }\n'));
    const run = spawnSync(process.execPath, [join(projectRoot, 'bin/drillbit.mjs'), 'run', join(dir, 'clash.drill.yaml'), '--output', join(dir, 'out3')], { cwd: projectRoot, env: { ...process.env, CI: 'true', DRILLBIT_HOME: join(dir, 'home3'), DRILLBIT_LEDGER: join(dir, 'ledger3.ndjson') }, encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/clash\.drill\.yaml: services\.shop\.secrets\.SHOP_VERSION: release good already sets SHOP_VERSION/);
  });
});
