import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Driver, EnvironmentSpec, ResolvedEnvironment } from '../drivers/driver.ts';
import { LocalDriver } from '../drivers/local/local-driver.ts';
import { DrillbitError } from '../errors.ts';
import type { LoadedScenario } from '../scenario/scenario-loader.ts';
import { validateScenario } from '../scenario/scenario-validator.ts';
import { silentLogger } from './logger.ts';
import { partitionByDriver, resolveEnvironments } from './environment-preflight.ts';

const ROOT = resolve(import.meta.dirname, '../..');

function loaded(value: Record<string, unknown>, file = 'scenarios/x.drill.yaml'): LoadedScenario {
  const { scenario, problems } = validateScenario(value, file);
  if (!scenario) throw new Error(JSON.stringify(problems));
  return { file: resolve(ROOT, file), displayFile: file, index: 0, scenario };
}

const composeScenario = (extra: Record<string, unknown> = {}) => ({
  name: 'compose',
  environment: { compose: 'docker-compose.yml' },
  services: { shop: { releases: { good: 'fixtures/shop/v1' } } },
  slo: { recoveryTime: '5s' },
  steps: [{ kind: 'deploy', service: 'shop', release: 'good' }],
  ...extra,
});

/** A driver that "reads" a compose file with one more service, stock, which shop depends on. */
const composeDriver = (fail?: DrillbitError): Driver => ({
  name: 'fake',
  resolveRelease: () => Promise.reject(new Error('unused')),
  up: () => Promise.reject(new Error('unused')),
  async resolveEnvironment(base: EnvironmentSpec): Promise<ResolvedEnvironment> {
    if (fail) throw fail;
    const services = { ...base.services, shop: { ...base.services.shop!, dependsOn: ['stock'] }, stock: { replicas: 1, strategy: 'recreate' as const, dependsOn: [] } };
    return { spec: { ...base, services }, releases: new Map(), warnings: ['docker-compose.yml: a warning'] };
  },
});

describe('scenarios with a compose environment', () => {
  it('validate references to services the compose file may define, and leave them to the preflight', () => {
    const faulty = { steps: [{ kind: 'deploy', service: 'shop', release: 'good' }, { kind: 'fault', fault: 'kill', target: 'stock' }, { kind: 'fault', fault: 'latency', target: { from: 'shop', to: 'stock' }, params: { latency: 10 } }] };
    expect(validateScenario(composeScenario(faulty), 'x').problems).toEqual([]);
    const { environment: _, ...plain } = composeScenario(faulty);
    expect(validateScenario(plain, 'x').problems.map((p) => p.path)).toEqual(['steps[1].target', 'steps[2].target.to']);
  });

  it('are skipped by a driver without compose support, with the reason; a run of only those is bad input', () => {
    const local = new LocalDriver();
    const plain = loaded({ ...composeScenario(), environment: undefined, name: 'plain' });
    const compose = loaded(composeScenario(), 'scenarios/compose.drill.yaml');
    const { runnable, skipped } = partitionByDriver([plain, compose], local);
    expect(runnable).toEqual([plain]);
    expect(skipped).toEqual([{ name: 'compose', file: 'scenarios/compose.drill.yaml', reason: 'compose environments need --driver docker or swarm (this run uses --driver local)' }]);
    expect(() => partitionByDriver([compose], local)).toThrow(/scenarios\/compose\.drill\.yaml: compose environments need --driver docker/);
  });

  it('get the environment the driver resolves; references are then checked against every service', async () => {
    const ok = loaded(composeScenario({ steps: [{ kind: 'deploy', service: 'shop', release: 'good' }, { kind: 'fault', fault: 'latency', target: { from: 'shop', to: 'stock' }, params: { latency: 10 } }] }));
    const warnings: string[] = [];
    const environments = await resolveEnvironments([ok], composeDriver(), new Map(), { storeDir: '/nowhere', cwd: ROOT, log: { ...silentLogger, warn: (m) => warnings.push(m) } });
    expect(Object.keys(environments.get(ok)!.spec.services)).toEqual(['shop', 'stock']);
    expect(warnings).toEqual(['docker-compose.yml: a warning']);

    const typo = loaded(composeScenario({ traffic: { target: 'shop', rate: 1 }, steps: [{ kind: 'deploy', service: 'shop', release: 'good' }, { kind: 'fault', fault: 'kill', target: 'stok' }, { kind: 'fault', fault: 'latency', target: { from: 'stock', to: 'shop' }, params: { latency: 10 } }] }));
    const error = await resolveEnvironments([typo], composeDriver(), new Map(), { storeDir: '/nowhere', cwd: ROOT, log: silentLogger }).catch((e: unknown) => e as DrillbitError);
    expect(error).toBeInstanceOf(DrillbitError);
    expect((error as DrillbitError).code).toBe('bad-input');
    expect((error as DrillbitError).message).toContain('scenarios/x.drill.yaml: steps[1].target: unknown service "stok"; the scenario and its compose file define "shop", "stock"');
    expect((error as DrillbitError).message).toContain('steps[2].target: "stock" does not depend on "shop"');
  });

  it('turn the driver\'s bad input into a problem naming the scenario and environment.compose; infrastructure errors pass through', async () => {
    const scenario = loaded(composeScenario());
    const bad = await resolveEnvironments([scenario], composeDriver(new DrillbitError('bad-input', 'docker-compose.yml: Unsupported config option')), new Map(), { storeDir: '/x', cwd: ROOT, log: silentLogger }).then(() => undefined, (e: unknown) => e as Error);
    expect(bad?.message).toBe('scenarios/x.drill.yaml: environment.compose: docker-compose.yml: Unsupported config option');
    const infra = await resolveEnvironments([scenario], composeDriver(new DrillbitError('infrastructure', 'no Docker engine')), new Map(), { storeDir: '/x', cwd: ROOT, log: silentLogger }).then(() => undefined, (e: unknown) => e as DrillbitError);
    expect(infra?.code).toBe('infrastructure');
  });

  it('`drillbit run` of only the compose example on the local driver exits 2 with the reason; the folder run skips it with a line', () => {
    const run = spawnSync(process.execPath, ['bin/drillbit.mjs', 'run', 'scenarios/compose-stack-rollback.drill.ts'], { cwd: ROOT, env: { ...process.env, CI: 'true' }, encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('scenarios/compose-stack-rollback.drill.ts: compose environments need --driver docker or swarm (this run uses --driver local)');
    const dry = spawnSync(process.execPath, ['bin/drillbit.mjs', 'run', 'scenarios/', '--dry-run'], { cwd: ROOT, env: { ...process.env, CI: 'true' }, encoding: 'utf8' });
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain('skipped on driver local: compose environments need --driver docker');
  }, 60_000);
});
