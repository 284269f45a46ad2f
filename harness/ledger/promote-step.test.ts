import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalDriver } from '../drivers/local/local-driver.ts';
import { silentLogger } from '../runner/logger.ts';
import { runDrills } from '../runner/run-drills.ts';
import { loadScenarios } from '../scenario/scenario-loader.ts';
import { Ledger } from './ledger.ts';

const root = mkdtempSync(join(tmpdir(), 'drillbit-promote-step-'));
const fixtures = resolve(import.meta.dirname, '../../fixtures/shop');

async function drill(name: string, steps: unknown[]) {
  const file = join(root, `${name}.drill.json`);
  writeFileSync(file, JSON.stringify({ name, services: { shop: { releases: { v1: join(fixtures, 'v1'), v2: join(fixtures, 'v2') } } }, slo: { recoveryTime: '5s' }, steps }));
  const { scenarios, problems } = await loadScenarios([file], root);
  expect(problems).toEqual([]);
  const ledger = new Ledger(join(root, `${name}.ndjson`), 'user:test');
  const run = await runDrills({ runId: `promote-${name}`, scenarios, driver: new LocalDriver(), repeat: 1, parallel: 1, seed: 3, stateDir: join(root, 'state'), cwd: root, reporter: { version: 1 }, signal: new AbortController().signal, log: silentLogger, version: 'test', ledger });
  return { result: run.scenarios[0]!, ledger };
}

describe('the promote step', () => {
  it('refuses without evidence (no check has run), says which check failed, and leaves the LKG', async () => {
    const { result, ledger } = await drill('no-evidence', [
      { kind: 'deploy', service: 'shop', release: 'v1' },
      { kind: 'deploy', service: 'shop', release: 'v2' },
      { kind: 'promote', service: 'shop', release: 'v2' },
    ]);
    const check = result.checks.find((c) => c.name === 'promote shop@v2 is promoted');
    expect(check?.status).toBe('failed');
    expect(check?.message).toMatch(/^refused, the LKG stays v1 \(sha256:\w+\): gate failed: checks of the drill so far: no data: no check has run yet/);
    expect(result.lkg.shop?.expected).toBe(result.timeline.find((e) => e.type === 'deploy' && e.release === 'v1')?.digest);
    const promote = (await ledger.entries()).find((e) => e.type === 'promote');
    expect(promote).toMatchObject({ outcome: 'refused', version: '2.0.0', attempt: 1, scenario: 'no-evidence' });
    expect(await ledger.lkg('shop')).toBeUndefined();
  }, 30_000);

  it('refuses a release that is not what serves, and a scenario gate with no recorded pass', async () => {
    const { result } = await drill('not-serving', [
      { kind: 'deploy', service: 'shop', release: 'v1', expect: 'healthy' },
      { kind: 'promote', service: 'shop', release: 'v2', expect: 'refused' },
      { kind: 'promote', service: 'shop', release: 'v1', gate: { scenarios: ['soak'] }, expect: 'refused' },
      { kind: 'promote', service: 'shop', release: 'v1' },
    ]);
    const messages = result.checks.filter((c) => c.name.startsWith('promote')).map((c) => `${c.status}: ${c.message}`);
    expect(messages[0]).toMatch(/^passed: refused, .*shop serves sha256:\w+: 1 serving replicas \(want 1\), 1 of them on another release or unhealthy/);
    expect(messages[1]).toMatch(/^passed: refused, .*scenario "soak" on sha256:\w+: no data: 0 recorded attempts/);
    expect(messages[2]).toMatch(/^passed: promoted: gate passed/);
    expect(result.status).toBe('passed');
  }, 30_000);
});
