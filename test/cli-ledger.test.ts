import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { drillbitInProcess } from './cli-in-process.ts';
import { projectRoot } from './drill-harness.ts';

/**
 * The release ledger through the CLI, on one real drill: promote v1, promote v2, roll back
 * to v1. The ledger must verify, tell the story, name the LKG, refuse an edit of one byte,
 * and drive `drillbit promote`.
 */
const dir = mkdtempSync(join(tmpdir(), 'drillbit-cli-ledger-'));
const stateDir = join(dir, 'state');
const ledger = join(dir, 'ledger.ndjson');
// The steps of scenarios/promote-then-rollback.drill.ts, with an SLO a loaded CI machine meets: this file tests the ledger, not latency.
const scenario = join(dir, 'promote-then-rollback.drill.yaml');
writeFileSync(scenario, `name: promote v1 then v2, roll back to v1
services:
  shop:
    releases: { v1: ${join(projectRoot, 'fixtures/shop/v1')}, v2: ${join(projectRoot, 'fixtures/shop/v2')} }
    replicas: 2
traffic: { target: shop, rate: 20, reads: [/products], writes: /orders, writeShare: 0.3 }
slo: { recoveryTime: 10s, availability: 0.5, dataLoss: 0 }
steps:
  - { kind: deploy, service: shop, release: v1, expect: healthy }
  - { kind: steady, for: 1s }
  - { kind: promote, service: shop, release: v1, reason: v1 held steady under load }
  - { kind: deploy, service: shop, release: v2, expect: healthy }
  - { kind: steady, for: 1s }
  - { kind: promote, service: shop, release: v2, reason: v2 held steady under load }
  - { kind: rollback, service: shop, to: v1 }
  - { kind: verifyRestored, for: 1s }
`);
const copy = (name: string) => {
  const path = join(dir, name);
  cpSync(ledger, path);
  return path;
};

beforeAll(async () => {
  const run = await drillbitInProcess(['run', scenario, '--ledger', ledger, '--output', join(dir, 'out'), '--reporter', 'json'], { stateDir });
  expect(run.stderr).toBe('');
  const results = JSON.parse(readFileSync(join(dir, 'out', 'results.json'), 'utf8')) as { scenarios: { reasons: string[]; lineage: Record<string, { event: string }[]> }[] };
  expect(results.scenarios[0]!.reasons).toEqual([]);
  expect(run.code).toBe(0);
  expect(results.scenarios[0]!.lineage.shop!.map((s) => s.event)).toEqual(['deploy', 'promote', 'deploy', 'promote', 'rollback', 'validate']);
}, 60_000);

describe('drillbit ledger after a promote-then-rollback drill', () => {
  it('verifies, and shows the whole story', async () => {
    const verify = await drillbitInProcess(['ledger', 'verify', '--ledger', ledger], { stateDir });
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/: 8 entries, chain intact; head sha256:[0-9a-f]{64}/);
    const show = await drillbitInProcess(['ledger', 'show', '--ledger', ledger, '--service', 'shop'], { stateDir });
    expect(show.code).toBe(0);
    const events = show.stdout.split('\n').slice(3).filter(Boolean).map((line) => line.split(/\s{2,}/).slice(2, 5).join(' '));
    expect(events).toEqual([
      'register shop 1.0.0',
      'register shop 2.0.0',
      'deploy shop 1.0.0',
      'promote shop 1.0.0',
      'deploy shop 2.0.0',
      'promote shop 2.0.0',
      'rollback shop 1.0.0',
      'validate passed shop 1.0.0',
    ]);
    expect(show.stdout).toContain('planned rollback to v1');
    expect(show.stdout).toContain('v2 held steady under load');
  });

  it('names v1, restored by the rollback, as the LKG', async () => {
    const lkg = await drillbitInProcess(['ledger', 'lkg', 'shop', '--ledger', ledger], { stateDir });
    expect(lkg.code).toBe(0);
    expect(lkg.stdout).toMatch(/^shop 1\.0\.0 sha256:[0-9a-f]{64} \(restored by the rollback at .*, entry 7\)\n$/);
    const unknown = await drillbitInProcess(['ledger', 'lkg', 'cart', '--ledger', ledger], { stateDir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no service "cart"');
  });

  it('fails verify naming the entry when one byte is edited', async () => {
    const edited = copy('edited.ndjson');
    const lines = readFileSync(edited, 'utf8').split('\n');
    lines[4] = lines[4]!.replace('"2.0.0"', '"2.0.9"');
    writeFileSync(edited, lines.join('\n'));
    const verify = await drillbitInProcess(['ledger', 'verify', '--ledger', edited], { stateDir });
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain(`BROKEN ${edited}:5: entry 5 (line 5, deploy shop 2.0.9) was edited: its content does not match its hash`);
    const lkg = await drillbitInProcess(['ledger', 'lkg', 'shop', '--ledger', edited], { stateDir });
    expect(lkg.code).toBe(1);
    expect(lkg.stderr).toContain('is broken: entry 5');
  });

  it('exits 2 for a missing ledger', async () => {
    const verify = await drillbitInProcess(['ledger', 'verify', '--ledger', join(dir, 'nope.ndjson')], { stateDir });
    expect(verify.code).toBe(2);
    expect(verify.stderr).toMatch(/^drillbit: no ledger at .*nope\.ndjson\n  hint: /);
  });

  it('promote: passes the gate on v1 (the drill ended on it), refuses v2 and keeps the LKG', async () => {
    const ledgerCopy = copy('promote.ndjson');
    const name = 'promote v1 then v2, roll back to v1';
    const refused = await drillbitInProcess(['promote', 'shop', '2.0.0', '--scenario', name, '--ledger', ledgerCopy], { stateDir });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(`FAIL scenario "${name}" on sha256:`);
    expect(refused.stdout).toContain('no data: 0 recorded attempts ending on this release');
    expect(refused.stdout).toMatch(/refused: .* the LKG is unchanged: 1\.0\.0 sha256:/);
    const promoted = await drillbitInProcess(['promote', 'shop', '1.0.0', '--scenario', name, '--ledger', ledgerCopy, '--reason', 'nightly drills green'], { stateDir });
    expect(promoted.code).toBe(0);
    expect(promoted.stdout).toContain('1/1 passed');
    const show = await drillbitInProcess(['ledger', 'show', '--ledger', ledgerCopy], { stateDir });
    expect(show.stdout).toMatch(/promote refused +shop +2\.0\.0/);
    expect(show.stdout).toContain('nightly drills green');
    expect((await drillbitInProcess(['ledger', 'verify', '--ledger', ledgerCopy], { stateDir })).code).toBe(0);
  });

  it('promote: bad input is exit 2 with a hint', async () => {
    const unknownVersion = await drillbitInProcess(['promote', 'shop', '9.9.9', '--scenario', 'x', '--ledger', ledger], { stateDir });
    expect(unknownVersion.code).toBe(2);
    expect(unknownVersion.stderr).toMatch(/shop 9\.9\.9 is not registered in .*\n  hint: registered versions of shop: 1\.0\.0, 2\.0\.0\n/);
    const noGate = await drillbitInProcess(['promote', 'shop', '1.0.0', '--ledger', ledger], { stateDir });
    expect(noGate.code).toBe(2);
    expect(noGate.stderr).toContain('promote needs a gate');
  });

  it('refuses a run whose bundle reuses a registered version label for other content (exit 2)', async () => {
    const bundle = join(dir, 'shop-v1-changed');
    cpSync(join(projectRoot, 'fixtures/shop/v1'), bundle, { recursive: true, dereference: true });
    writeFileSync(join(bundle, 'CHANGELOG'), 'a change, same version label\n');
    const file = join(dir, 'reuse.drill.yaml');
    writeFileSync(file, `name: reuse\nservices:\n  shop:\n    releases: { v1: ${bundle} }\nslo: { recoveryTime: 1s }\nsteps:\n  - { kind: deploy, service: shop, release: v1 }\n`);
    const run = await drillbitInProcess(['run', file, '--ledger', copy('reuse.ndjson'), '--output', join(dir, 'reuse-out')], { stateDir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^drillbit: version 1\.0\.0 of shop is already sha256:[0-9a-f]{64}; an immutable release needs a new version/);
    // Another ledger has no such history: the refusal is per ledger.
    expect((await drillbitInProcess(['run', file, '--ledger', join(dir, 'fresh.ndjson'), '--output', join(dir, 'fresh-out')], { stateDir })).code).toBe(0);
  }, 30_000);

  it('a config file: its gates drive promote --gate, its policy halts a deploy, and a bad one is exit 2 naming the field', async () => {
    const config = join(dir, 'drillbit.config.json');
    writeFileSync(config, JSON.stringify({ gates: { production: { scenarios: ['promote v1 then v2, roll back to v1'] } }, policy: { requiredLabels: ['owner'] } }));
    const promoted = await drillbitInProcess(['promote', 'shop', '1.0.0', '--gate', 'production', '--config', config, '--ledger', copy('config.ndjson')], { stateDir });
    expect(promoted.code).toBe(0);
    const unknownGate = await drillbitInProcess(['promote', 'shop', '1.0.0', '--gate', 'staging', '--config', config, '--ledger', ledger], { stateDir });
    expect(unknownGate.code).toBe(2);
    expect(unknownGate.stderr).toContain("--gate staging: no such gate in the config\n  hint: the config's gates are production");
    const halted = await drillbitInProcess(['run', scenario, '--config', config, '--ledger', copy('halted.ndjson'), '--output', join(dir, 'halted-out')], { stateDir });
    expect(halted.code).toBe(1);
    expect(halted.stdout).toContain('required-labels: shop@v1 (1.0.0) lacks the required label owner');
    writeFileSync(config, JSON.stringify({ policy: { maxAgeDays: 'old' }, colour: 1 }));
    const bad = await drillbitInProcess(['ledger', 'show', '--config', config], { stateDir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/drillbit\.config\.json: policy\.maxAgeDays: .*\n.*drillbit\.config\.json: colour: unknown field\n  hint: /);
  }, 30_000);

  it('a release pinned to another digest is exit 2 before anything starts', async () => {
    const file = join(dir, 'pinned.drill.yaml');
    writeFileSync(file, `name: pinned\nservices:\n  shop:\n    releases: { v1: { bundle: ${join(projectRoot, 'fixtures/shop/v1')}, digest: "sha256:${'0'.repeat(64)}" } }\nslo: { recoveryTime: 1s }\nsteps:\n  - { kind: deploy, service: shop, release: v1 }\n`);
    const run = await drillbitInProcess(['run', file, '--ledger', join(dir, 'pinned.ndjson'), '--output', join(dir, 'pinned-out')], { stateDir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/services\.shop\.releases\.v1: pinned to sha256:0{64}, but .* is sha256:[0-9a-f]{64}: its content changed since it was pinned/);
  });

  it('lkgFromLedger: the rollback target is the ledger\'s LKG; without one it is exit 2', async () => {
    const file = join(dir, 'from-ledger.drill.yaml');
    writeFileSync(file, `name: back to the ledger's LKG\nservices:\n  shop:\n    releases: { v1: ${join(projectRoot, 'fixtures/shop/v1')}, v2: ${join(projectRoot, 'fixtures/shop/v2')} }\n    lkgFromLedger: true\nslo: { recoveryTime: 10s }\nsteps:\n  - { kind: deploy, service: shop, release: v2 }\n  - { kind: rollback, service: shop }\n  - { kind: verifyRestored, for: 500ms }\n`);
    const withLkg = copy('from-ledger.ndjson');
    const run = await drillbitInProcess(['run', file, '--ledger', withLkg, '--output', join(dir, 'from-ledger-out')], { stateDir });
    expect(run.code).toBe(0);
    const rollback = (await drillbitInProcess(['ledger', 'show', '--json', '--ledger', withLkg], { stateDir })).stdout;
    expect((JSON.parse(rollback) as { type: string; version?: string; reason?: string }[]).filter((e) => e.type === 'rollback').at(-1)).toMatchObject({ version: '1.0.0', reason: 'planned rollback to v1' });
    const none = await drillbitInProcess(['run', file, '--ledger', join(dir, 'empty.ndjson'), '--output', join(dir, 'none-out')], { stateDir });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('services.shop.lkgFromLedger: ledger');
    expect(none.stderr).toContain('has no LKG of shop');
  }, 30_000);
});
