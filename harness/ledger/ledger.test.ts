import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Digest, ResolvedRelease } from '../drivers/driver.ts';
import { DrillbitError } from '../errors.ts';
import { Ledger } from './ledger.ts';
import { LedgerFile } from './ledger-file.ts';
import { verifyChain } from './ledger-verify.ts';
import { registerReleases } from './release-registry.ts';
import { lastKnownGood } from './lkg.ts';
import { gatePassed, gateSpecSchema, scenarioGateChecks } from './promotion-gate.ts';
import { actorFromEnvironment } from './identity.ts';
import type { UnsealedEntry } from './ledger-entry.ts';

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'drillbit-ledger-'));
  path = join(dir, 'ledger.ndjson');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const D1 = `sha256:${'1'.repeat(64)}` as Digest;
const D2 = `sha256:${'2'.repeat(64)}` as Digest;
const D3 = `sha256:${'3'.repeat(64)}` as Digest;

function release(version: string, digest: Digest): ResolvedRelease {
  return { service: 'shop', name: version, version, digest, configDigest: D3, source: `/bundles/${version}`, manifest: { service: 'shop', version, command: ['node'], env: {}, health: { path: '/healthz', timeoutMs: 1, intervalMs: 1 } }, storePath: '/store' };
}

const deploy = (digest: Digest, version: string): UnsealedEntry => ({ type: 'deploy', service: 'shop', version, digest, outcome: 'deployed' });
const promote = (digest: Digest, version: string, outcome: 'promoted' | 'refused' = 'promoted'): UnsealedEntry => ({ type: 'promote', service: 'shop', version, digest, outcome, gate: { checks: [] } });

async function lines(): Promise<string[]> {
  return (await readFile(path, 'utf8')).trimEnd().split('\n');
}

describe('ledger chain', () => {
  it('appends sealed, numbered, chained entries, and verifies them', async () => {
    const ledger = new Ledger(path, 'user:test');
    await ledger.append(deploy(D1, '1.0.0'), promote(D1, '1.0.0'));
    await ledger.append(deploy(D2, '2.0.0'));
    const entries = await ledger.entries();
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(entries[0]!.prev).toBeNull();
    expect(entries[1]!.prev).toBe(entries[0]!.hash);
    expect(entries[2]!.prev).toBe(entries[1]!.hash);
    expect(entries.every((e) => e.by === 'user:test' && /^\d{4}-/.test(e.at))).toBe(true);
    expect(await ledger.verify()).toMatchObject({ ok: true, entries: 3, head: entries[2]!.hash, breaks: [] });
  });

  it('makes its folder before it locks the file: a fresh project has no .drillbit/ yet', async () => {
    const fresh = new Ledger(join(dir, 'project', '.drillbit', 'ledger.ndjson'), 'user:test');
    await fresh.append(deploy(D1, '1.0.0'));
    expect((await fresh.entries()).map((e) => e.seq)).toEqual([1]);
  });

  it('stays one unbroken chain under concurrent writers', async () => {
    const writers = Array.from({ length: 6 }, () => new LedgerFile(path));
    await Promise.all(writers.flatMap((w, i) => Array.from({ length: 10 }, (_, j) => w.append([{ ...deploy(D1, `${i}.${j}`), by: `writer-${i}` } as never]))));
    const verdict = verifyChain(await lines());
    expect(verdict).toMatchObject({ ok: true, entries: 60 });
  });

  it('takes over a lock left by a dead process', async () => {
    await writeFile(`${path}.lock`, '999999999 2020-01-01T00:00:00Z\n');
    await new Ledger(path, 'x').append(deploy(D1, '1'));
    expect((await lines()).length).toBe(1);
  });

  it('names the entry in which one byte was edited', async () => {
    const ledger = new Ledger(path, 'user:test');
    await ledger.append(deploy(D1, '1.0.0'), deploy(D2, '2.0.0'), promote(D2, '2.0.0'));
    const all = await lines();
    all[1] = all[1]!.replace('"2.0.0"', '"2.0.1"');
    const verdict = verifyChain(all);
    expect(verdict.ok).toBe(false);
    expect(verdict.breaks[0]).toMatchObject({ line: 2, seq: 2 });
    expect(verdict.breaks[0]!.message).toBe('entry 2 (line 2, deploy shop 2.0.1) was edited: its content does not match its hash');
  });

  it('detects whitespace edits, broken JSON, re-hashed edits, reordering and deletion', async () => {
    const ledger = new Ledger(path, 'user:test');
    await ledger.append(deploy(D1, '1'), deploy(D2, '2'), deploy(D1, '3'), deploy(D2, '4'));
    const all = await lines();
    expect(verifyChain(all.map((l, i) => (i === 2 ? l.replace('{', '{ ') : l))).breaks[0]!.message).toMatch(/^entry 3 .* was edited: the line is not the form it was written in/);
    expect(verifyChain(all.map((l, i) => (i === 2 ? l.slice(0, -1) : l))).breaks[0]!.message).toBe('line 3 is not a ledger entry (not valid JSON): it was edited or truncated');
    expect(verifyChain([all[0]!, all[2]!, all[1]!, all[3]!]).breaks[0]!.message).toMatch(/^entry 3 \(line 2, .*\) follows entry 1: entry 2 was deleted/);
    expect(verifyChain([all[0]!, all[2]!, all[1]!, all[3]!]).breaks[1]!.message).toMatch(/^entry 2 \(line 3, .*\) is out of order/);
    expect(verifyChain([all[0]!, all[1]!, all[3]!]).breaks[0]!.message).toMatch(/^entry 4 \(line 3, deploy shop 4\) follows entry 2: entry 3 was deleted/);
    expect(verifyChain(all.slice(1)).breaks[0]!.message).toMatch(/^entry 2 .* follows entry none: entry 1 was deleted/);
  });

  it('sets aside what an append killed mid-write left (simulated: a prefix of a real entry line), and appends after it', async () => {
    const warnings: string[] = [];
    const ledger = new Ledger(path, 'user:test', (m) => warnings.push(m));
    await ledger.append(deploy(D1, '1.0.0'), deploy(D2, '2.0.0'));
    const whole = (await readFile(path, 'utf8')).split('\n')[1]!;
    const torn = whole.slice(0, 40);
    await writeFile(path, torn, { flag: 'a' });
    const before = await ledger.verify();
    expect(before).toMatchObject({ ok: true, entries: 2, tornTail: { line: 3, bytes: 40 } });
    expect((await ledger.entries()).length).toBe(2);

    const [added] = await ledger.append(promote(D2, '2.0.0'));
    expect(added!.seq).toBe(3);
    expect(warnings).toEqual([expect.stringMatching(/ledger\.ndjson:3: an interrupted append left 40 bytes that are not an entry; set aside in .*ledger\.ndjson\.torn-/)]);
    const aside = warnings[0]!.split('set aside in ')[1]!;
    expect(await readFile(aside, 'utf8')).toBe(torn);
    const after = await ledger.verify();
    expect(after).toMatchObject({ ok: true, entries: 3, breaks: [] });
    expect(after.tornTail).toBeUndefined();
  });

  it('completes a last entry that is whole but lost its newline, instead of gluing the next one onto it', async () => {
    const ledger = new Ledger(path, 'user:test');
    await ledger.append(deploy(D1, '1.0.0'));
    await writeFile(path, (await readFile(path, 'utf8')).trimEnd());
    expect((await ledger.verify()).tornTail).toBeUndefined();
    await ledger.append(deploy(D2, '2.0.0'));
    expect(await ledger.verify()).toMatchObject({ ok: true, entries: 2 });
  });

  it('refuses decisions on a broken ledger', async () => {
    const ledger = new Ledger(path, 'user:test');
    await ledger.append(promote(D1, '1'));
    await writeFile(path, (await readFile(path, 'utf8')).replace('"1"', '"9"'));
    const error = await ledger.lkg('shop').then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(DrillbitError);
    expect((error as DrillbitError).code).toBe('ledger-broken');
    expect((error as DrillbitError).message).toContain('entry 1 (line 1, promote shop 9 promoted) was edited');
  });
});

describe('release registry', () => {
  it('registers a release once, with its provenance', async () => {
    const ledger = new Ledger(path, 'github:alice');
    await registerReleases(ledger, [{ ...release('1.2.0', D1), createdAt: '2026-01-01T00:00:00.000Z', labels: { revision: 'abc' } }], 'run-1');
    await registerReleases(ledger, [release('1.2.0', D1)], 'run-2');
    const entries = await ledger.entries();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ type: 'register', service: 'shop', version: '1.2.0', digest: D1, configDigest: D3, source: '/bundles/1.2.0', kind: 'bundle', createdAt: '2026-01-01T00:00:00.000Z', labels: { revision: 'abc' }, by: 'github:alice', runId: 'run-1' });
  });

  it('refuses a version label that already names other content', async () => {
    const ledger = new Ledger(path, 'user:test');
    await registerReleases(ledger, [release('1.2.0', D1)]);
    const error = (await registerReleases(ledger, [release('1.2.0', D2)]).catch((e: unknown) => e)) as DrillbitError;
    expect(error.code).toBe('bad-input');
    expect(error.message).toMatch(new RegExp(`^version 1\\.2\\.0 of shop is already ${D1}; an immutable release needs a new version`));
    expect(await ledger.entries()).toHaveLength(1);
  });
});

describe('last-known-good', () => {
  it('is the newest promoted release; a refused promotion changes nothing; a rollback to a promoted release restores it', async () => {
    const ledger = new Ledger(path, 'user:test');
    await ledger.append(promote(D1, '1'));
    expect((await ledger.lkg('shop'))?.digest).toBe(D1);
    await ledger.append(promote(D2, '2', 'refused'));
    expect((await ledger.lkg('shop'))?.digest).toBe(D1);
    await ledger.append(promote(D2, '2'));
    expect((await ledger.lkg('shop'))?.version).toBe('2');
    await ledger.append({ type: 'rollback', service: 'shop', from: D2, to: D3, version: '3', planned: true });
    expect((await ledger.lkg('shop'))?.version).toBe('2'); // 3 never passed a gate
    await ledger.append({ type: 'rollback', service: 'shop', from: D2, to: D1, version: '1', planned: true, reason: 'v2 regressed' });
    const lkg = await ledger.lkg('shop');
    expect(lkg).toMatchObject({ digest: D1, version: '1', since: { type: 'rollback', seq: 5 } });
    expect(lastKnownGood(await ledger.entries(), 'cart')).toBeUndefined();
  });
});

describe('promotion gate', () => {
  const validate = (status: 'passed' | 'failed', digest: Digest, final = true): UnsealedEntry => ({ type: 'validate', scenario: 'soak', file: 's.yaml', attempt: 1, status, releases: [{ service: 'shop', digest, version: 'x', final }], numbers: { ttdMs: null, ttrMs: null, availability: 1, p95Ms: 1, lost: 0 } });

  it('passes when the named scenarios passed on the release, and says which check failed otherwise', async () => {
    const ledger = new Ledger(path, 'user:test');
    await ledger.append(validate('passed', D1), validate('passed', D1), validate('failed', D1), validate('passed', D2, false));
    const entries = await ledger.entries();
    const all = scenarioGateChecks(entries, 'shop', D1, gateSpecSchema.parse({ scenarios: ['soak'] }));
    expect(gatePassed(all)).toBe(false);
    expect(all[0]!.message).toBe('2/3 passed (pass rate 0.667, minimum 1)');
    expect(gatePassed(scenarioGateChecks(entries, 'shop', D1, gateSpecSchema.parse({ scenarios: ['soak'], minPassRate: 0.6 })))).toBe(true);
    expect(gatePassed(scenarioGateChecks(entries, 'shop', D1, gateSpecSchema.parse({ scenarios: ['soak'], minPassRate: 0.6, on: 'lower-bound' })))).toBe(false);
    const none = scenarioGateChecks(entries, 'shop', D2, gateSpecSchema.parse({ scenarios: ['soak'] }));
    expect(none[0]).toMatchObject({ passed: false, message: 'no data: 0 recorded attempts ending on this release, the gate needs 1' });
    expect(gatePassed([])).toBe(false);
  });
});

describe('actor', () => {
  it('names the CI identity, else the OS user', () => {
    expect(actorFromEnvironment({ GITHUB_ACTIONS: 'true', GITHUB_ACTOR: 'alice', GITHUB_RUN_ID: '7', GITHUB_REPOSITORY: 'o/r' })).toBe('github:alice (run 7 of o/r)');
    expect(actorFromEnvironment({ GITLAB_CI: 'true', GITLAB_USER_LOGIN: 'bob' })).toBe('gitlab:bob');
    expect(actorFromEnvironment({ DRILLBIT_ACTOR: 'release-bot' })).toBe('release-bot');
    expect(actorFromEnvironment({})).toMatch(/^user:/);
    expect(actorFromEnvironment({ CI: 'true' })).toMatch(/^ci:/);
  });
});
