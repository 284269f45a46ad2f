import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalDriver } from '../drivers/local/local-driver.ts';
import { bundleDigest } from '../release/bundle-digest.ts';
import { driftCheckOf, driftDrill } from './test-support.ts';

/** Each kind of drift, injected behind the harness's back on the local driver, fails the drift check with its diff. */
const stateDir = mkdtempSync(join(tmpdir(), 'drillbit-drift-state-'));

describe('drift detection on the local driver', () => {
  it('passes when what runs is what the ledger says', async () => {
    const { result } = await driftDrill(new LocalDriver(), stateDir);
    expect(driftCheckOf(result)).toMatchObject({ status: 'passed', message: expect.stringMatching(/^every service runs as the ledger says \(shop=1\.0\.0 sha256:\w+ ×2\)$/) });
    expect(result.status).toBe('passed');
  }, 30_000);

  it('catches a file edited in the running release (which the LKG check cannot see), and the revert restores it', async () => {
    const { result } = await driftDrill(new LocalDriver(), stateDir, { kind: 'file', path: 'server.mjs' });
    const check = driftCheckOf(result);
    expect(check?.status).toBe('failed');
    expect(check?.message).toMatch(/shop\/shop-g1-0: content: desired the files of sha256:\w+, observed changed: server\.mjs/);
    expect(result.checks.find((c) => c.name === 'LKG state at end of drill')?.status).toBe('passed');
    expect(result.timeline.some((e) => e.type === 'drift')).toBe(true);
    const store = join(stateDir, 'store', result.lkg.shop!.expected.replace(':', '-'));
    expect(await bundleDigest(store)).toBe(result.lkg.shop!.expected);
  }, 30_000);

  it('catches a replica recreated with another env', async () => {
    const { result } = await driftDrill(new LocalDriver(), stateDir, { kind: 'env', env: { SHOP_BEHAVIOUR: 'errors' } });
    const check = driftCheckOf(result);
    expect(check?.status).toBe('failed');
    expect(check?.message).toContain('shop/shop-g1-0: env SHOP_BEHAVIOUR: desired "good", observed "errors"');
    expect(check?.message).toMatch(/shop\/shop-g1-0: config: desired sha256:\w+, observed sha256:\w+/);
  }, 30_000);

  it('catches a replica taken away (scaled down)', async () => {
    const { result } = await driftDrill(new LocalDriver(), stateDir, { kind: 'replicas' });
    expect(driftCheckOf(result)).toMatchObject({ status: 'failed', message: 'shop: replicas: desired 2, observed 1' });
  }, 30_000);

  it('on demand (a checkDrift step): caught while the fault lasts, clean once it is reverted', async () => {
    const { result } = await driftDrill(new LocalDriver(), stateDir, { kind: 'replicas' }, { for: '1500ms', after: [{ kind: 'checkDrift', expect: 'drift' }, { kind: 'wait', for: '3s' }, { kind: 'checkDrift' }] });
    expect(result.checks.find((c) => c.name === 'no drift from the ledger catches the drift')).toMatchObject({ status: 'passed', message: 'caught: shop: replicas: desired 2, observed 1' });
    expect(result.checks.filter((c) => c.name === 'no drift from the ledger').map((c) => c.status)).toEqual(['passed', 'passed']);
    expect(result.status).toBe('passed');
  }, 30_000);

  it('picks a literal env value to change when none is named', async () => {
    const { result } = await driftDrill(new LocalDriver(), stateDir, { kind: 'env' });
    expect(driftCheckOf(result)).toMatchObject({ status: 'failed', message: expect.stringContaining('env SHOP_VERSION: desired "1.0.0", observed "1.0.0-drifted"') });
    expect(result.status).toBe('failed');
  }, 30_000);
});
