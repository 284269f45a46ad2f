import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalDriver } from '../drivers/local/local-driver.ts';
import { silentLogger } from '../runner/logger.ts';
import { runDrills } from '../runner/run-drills.ts';
import { loadScenarios } from '../scenario/scenario-loader.ts';
import { configSchema, type DrillbitConfigInput } from '../config/drillbit-config.ts';
import { Ledger } from '../ledger/ledger.ts';
import { bundleDigest } from '../release/bundle-digest.ts';
import { policyRules } from './policy-registry.ts';
import type { ScenarioResult } from '../verdict/results.ts';

/**
 * Every policy rule halts a real deploy: the drill deploys a compliant release, then one
 * that breaks the rule. The candidate must never start, the check must name the rule, the
 * ledger must record the halt, and the compliant release must keep serving.
 */
const root = mkdtempSync(join(tmpdir(), 'drillbit-policy-'));
const fresh = new Date().toISOString();
const compliant = { createdAt: fresh, labels: { revision: 'abc123', owner: 'payments' } };

function bundle(name: string, version: string, extra: Record<string, unknown>): string {
  const dir = join(root, name);
  cpSync(join(import.meta.dirname, '../../fixtures/shop/v1'), dir, { recursive: true, dereference: true });
  const manifest = JSON.parse(readFileSync(join(dir, 'release.json'), 'utf8')) as Record<string, unknown>;
  const { env, ...rest } = extra;
  writeFileSync(join(dir, 'release.json'), JSON.stringify({ ...manifest, version, ...rest, env: { ...(manifest.env as object), ...(env as object) } }));
  return dir;
}

async function drill(name: string, policy: DrillbitConfigInput['policy'], bad: Record<string, unknown>, refs: { good?: unknown; bad?: unknown } = {}): Promise<{ result: ScenarioResult; ledger: Ledger }> {
  const good = bundle(`${name}-good`, `1.0.0-${name}`, compliant);
  const badDir = bundle(`${name}-bad`, `2.0.0-${name}`, bad);
  const file = join(root, `${name}.drill.json`);
  writeFileSync(file, JSON.stringify({
    name: `policy ${name}`,
    services: { shop: { releases: { good: refs.good ?? good, bad: refs.bad ?? badDir } } },
    slo: { recoveryTime: '1s' },
    steps: [{ kind: 'deploy', service: 'shop', release: 'good' }, { kind: 'deploy', service: 'shop', release: 'bad' }],
  }));
  const { scenarios, problems } = await loadScenarios([file], root);
  expect(problems).toEqual([]);
  const ledger = new Ledger(join(root, `${name}.ledger.ndjson`), 'user:test');
  const run = await runDrills({ runId: `policy-${name}`, scenarios, driver: new LocalDriver(), repeat: 1, parallel: 1, seed: 1, stateDir: join(root, 'state'), cwd: root, reporter: { version: 1 }, signal: new AbortController().signal, log: silentLogger, version: 'test', ledger, policy: policyRules(configSchema.parse({ policy }).policy) });
  return { result: run.scenarios[0]!, ledger };
}

async function expectHalted({ result, ledger }: { result: ScenarioResult; ledger: Ledger }, rule: string, message: RegExp): Promise<void> {
  const check = result.checks.find((c) => c.name === 'policy allows deploy shop@bad');
  expect(check?.status).toBe('failed');
  expect(check?.message).toMatch(new RegExp(`^${rule}: `));
  expect(check?.message).toMatch(message);
  expect(result.status).toBe('failed');
  expect(result.timeline.some((e) => e.type === 'deploy-halted' && e.release === 'bad')).toBe(true);
  expect(result.timeline.some((e) => e.type === 'deploy-start' && e.release === 'bad')).toBe(false);
  expect(result.lkg.shop).toMatchObject({ match: true });
  const halted = (await ledger.entries()).find((e) => e.type === 'deploy' && e.outcome === 'halted');
  expect(halted?.reason).toContain(rule);
  expect(result.lineage?.shop?.map((s) => s.event)).toEqual(['deploy', 'deploy halted', 'validate']);
}

describe('policy rules halt deploys', () => {
  it('immutable-reference: a bundle path is a name, a pinned digest is not', async () => {
    const good = bundle('immutable-pinned', '1.0.0-pinned', compliant);
    const outcome = await drill('immutable', { immutableReference: true }, {}, { good: { bundle: good, digest: await bundleDigest(good) } });
    await expectHalted(outcome, 'immutable-reference', /shop@bad is referenced as ".*immutable-bad", a name whose content can change/);
  }, 30_000);

  it('provenance: a release without a creation time', async () => {
    await expectHalted(await drill('provenance', { provenance: true }, { labels: compliant.labels }), 'provenance', /has no createdAt in its provenance/);
  }, 30_000);

  it('required labels: a release without an owner', async () => {
    await expectHalted(await drill('labels', { requiredLabels: ['revision', 'owner'] }, { createdAt: fresh, labels: { revision: 'x' } }), 'required-labels', /lacks the required label owner$/);
  }, 30_000);

  it('no secrets in env: a literal token and an AWS key', async () => {
    const outcome = await drill('secrets', { noSecretsInEnv: true }, { env: { API_TOKEN: 'hunter2hunter2', BACKUP: 'AKIAABCDEFGHIJKLMNOP' } });
    await expectHalted(outcome, 'no-secrets-in-env', /a literal secret in env API_TOKEN.*an AWS access key in env BACKUP/);
  }, 30_000);

  it('max age: a release built too long ago', async () => {
    await expectHalted(await drill('age', { maxAgeDays: 30 }, { createdAt: '2020-01-01T00:00:00Z' }), 'max-age', /was created \d+ days ago \(2020-01-01T00:00:00Z\), older than the 30 days/);
  }, 30_000);

  it('a custom rule, as a function', async () => {
    const rule = { name: 'no-2.x', check: ({ release }: { release: { version: string } }) => (release.version.startsWith('2.') ? `version ${release.version} is frozen` : undefined) };
    await expectHalted(await drill('custom', { custom: [rule] }, {}), 'no-2.x', /version 2\.0\.0-custom is frozen/);
  }, 30_000);

  it('a halted first deploy stops the drill, failed, naming the rule', async () => {
    const { result } = await drill('first', { maxAgeDays: 1 }, {}, { good: bundle('first-old', '0.1.0-first', { createdAt: '2021-01-01T00:00:00Z' }) });
    expect(result.status).toBe('failed');
    expect(result.reasons.join('\n')).toContain('stop condition: policy halted the first deploy of shop (good)');
    expect(result.timeline.some((e) => e.type === 'deploy-start')).toBe(false);
  }, 30_000);
});

describe('policy config', () => {
  it('turns on only the rules it names', () => {
    expect(policyRules(configSchema.parse({ policy: {} }).policy)).toEqual([]);
    expect(policyRules(configSchema.parse({ policy: { immutableReference: true, provenance: { fields: ['createdAt'] }, requiredLabels: ['a'], noSecretsInEnv: { allow: ['X'] }, maxAgeDays: 3 } }).policy).map((r) => r.name)).toEqual(['immutable-reference', 'provenance', 'required-labels', 'no-secrets-in-env', 'max-age']);
  });

  it('reports every problem with its path', () => {
    const parsed = configSchema.safeParse({ policy: { maxAgeDays: -1, provenance: { fields: ['colour'] }, custom: [{ name: 'x', check: 'nope' }] }, extra: 1 });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['', 'policy.custom.0.check', 'policy.maxAgeDays', 'policy.provenance'].sort());
  });
});
