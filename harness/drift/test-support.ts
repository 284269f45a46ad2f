import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import type { Driver } from '../drivers/driver.ts';
import { Ledger } from '../ledger/ledger.ts';
import { silentLogger } from '../runner/logger.ts';
import { runDrills } from '../runner/run-drills.ts';
import { loadScenarios } from '../scenario/scenario-loader.ts';
import type { ScenarioResult } from '../verdict/results.ts';
import { DRIFT_CHECK } from '../checks/drift-check.ts';

const PROJECT_ROOT = resolve(import.meta.dirname, '../..');

/**
 * A drill that deploys shop v1 (2 replicas) and, when asked, injects a `drift` fault that
 * lasts until the drill ends — so the drift check after the drill sees it. The ledger is a
 * fresh file; the state directory is the caller's (docker tests share built images).
 */
export async function driftDrill(driver: Driver, stateDir: string, drift?: Record<string, unknown>, options: { for?: string; after?: unknown[] } = {}): Promise<{ result: ScenarioResult; ledger: Ledger }> {
  const dir = mkdtempSync(join(tmpdir(), 'drillbit-drift-'));
  const file = join(dir, 'drift.drill.json');
  const steps: unknown[] = [{ kind: 'deploy', service: 'shop', release: 'v1', expect: 'healthy' }];
  if (drift) steps.push({ kind: 'fault', fault: 'drift', target: { service: 'shop', replica: 0 }, params: drift, ...(options.for ? { for: options.for } : {}) });
  steps.push(...(options.after ?? []));
  writeFileSync(file, JSON.stringify({ name: `drift ${JSON.stringify(drift ?? 'none')}`, services: { shop: { releases: { v1: join(PROJECT_ROOT, 'fixtures/shop/v1') }, replicas: 2 } }, slo: { recoveryTime: '1s' }, steps }));
  const { scenarios, problems } = await loadScenarios([file], dir);
  expect(problems).toEqual([]);
  const ledger = new Ledger(join(dir, 'ledger.ndjson'), 'user:test');
  const run = await runDrills({ runId: `drift-${Date.now().toString(36)}`, scenarios, driver, repeat: 1, parallel: 1, seed: 7, stateDir, cwd: dir, reporter: { version: 1 }, signal: new AbortController().signal, log: silentLogger, version: 'test', ledger });
  return { result: run.scenarios[0]!, ledger };
}

export function driftCheckOf(result: ScenarioResult) {
  return result.checks.find((c) => c.name === DRIFT_CHECK);
}
