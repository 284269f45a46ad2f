import { describe, expect, it } from 'vitest';
import { sliCheck } from './sli-check.ts';
import { compareWithLkg, lkgEqualityCheck } from './lkg-equality-check.ts';
import { ackedWriteCheck } from './acked-write-checker.ts';
import { driftCheck } from './drift-check.ts';
import type { ResolvedRelease } from '../drivers/driver.ts';

const slo = { recoveryTime: '5s', availability: 0.99, p95: '100ms', dataLoss: 0, stabilization: '1s' } as const;
const lkg = { digest: 'sha256:aaa', configDigest: 'sha256:cfg' } as unknown as ResolvedRelease;
const replica = (digest: string, extra: object = {}) => ({ id: 'r', digest: digest as `sha256:${string}`, configDigest: 'sha256:cfg' as const, healthy: true, serving: true, ...extra });

describe('sliCheck', () => {
  it('is unknown with zero requests, never passed', () => {
    expect(sliCheck('w', { requests: 0, errors: 0 }, slo).status).toBe('unknown');
  });
  it('fails on availability and on latency, with the numbers', () => {
    const result = sliCheck('w', { requests: 100, errors: 5, availability: 0.95, p95Ms: 250 }, slo);
    expect(result.status).toBe('failed');
    expect(result.message).toContain('availability 95.00% < 99.00%');
    expect(result.message).toContain('p95 250ms > 100ms');
  });
  it('passes within the SLO', () => {
    expect(sliCheck('w', { requests: 100, errors: 0, availability: 1, p95Ms: 10 }, slo).status).toBe('passed');
  });
});

describe('LKG equality', () => {
  const lkgs = new Map([['shop', lkg]]);
  it('matches only when every serving replica runs the LKG digest and config', () => {
    expect(compareWithLkg({ shop: { replicas: [replica('sha256:aaa'), replica('sha256:aaa')] } }, lkgs, { shop: 2 }).shop?.match).toBe(true);
  });
  it('fails a mixed state, a wrong release, drifted config, an unhealthy replica and a short count', () => {
    const cases = [
      [replica('sha256:aaa'), replica('sha256:bbb')],
      [replica('sha256:bbb'), replica('sha256:bbb')],
      [replica('sha256:aaa'), replica('sha256:aaa', { configDigest: 'sha256:other' })],
      [replica('sha256:aaa'), replica('sha256:aaa', { healthy: false })],
      [replica('sha256:aaa')],
      [],
    ];
    for (const replicas of cases) {
      const comparison = compareWithLkg({ shop: { replicas } }, lkgs, { shop: 2 });
      expect(comparison.shop?.match).toBe(false);
      expect(lkgEqualityCheck('lkg', comparison).status).toBe('failed');
    }
    expect(compareWithLkg({ shop: { replicas: cases[0]! } }, lkgs, { shop: 2 }).shop?.observed).toBe('mixed:sha256:aaa,sha256:bbb');
  });
  it('ignores warm replicas that do not serve', () => {
    const comparison = compareWithLkg({ shop: { replicas: [replica('sha256:aaa'), replica('sha256:bbb', { serving: false })] } }, lkgs, { shop: 1 });
    expect(comparison.shop?.match).toBe(true);
  });

  const unseenConfig = { release: 'launcher-cwd', config: 'unobservable', reason: 'this OS has no /proc' } as const;
  it('is unknown, never passed and never failed, when nothing differs but a release or config could not be observed', () => {
    for (const replicas of [
      [replica('sha256:aaa'), replica('sha256:aaa', { configDigest: undefined, evidence: unseenConfig })],
      [replica('sha256:aaa', { digest: undefined, configDigest: undefined, evidence: { release: 'unobservable', config: 'unobservable', reason: 'this OS has no /proc' } }), replica('sha256:aaa')],
      // A driver that says nothing of where it looked: a missing config digest is not a match.
      [replica('sha256:aaa'), replica('sha256:aaa', { configDigest: undefined })],
    ]) {
      const comparison = compareWithLkg({ shop: { replicas } }, lkgs, { shop: 2 });
      expect(comparison.shop).toMatchObject({ match: false, unobservable: expect.stringMatching(/could not be observed/) });
      const check = lkgEqualityCheck('lkg', comparison);
      expect(check.status).toBe('unknown');
      expect(check.message).toMatch(/^no data: unobservable: shop: the (release|configuration) of 1 of 2 serving replicas could not be observed/);
    }
    expect(lkgEqualityCheck('lkg', compareWithLkg({ shop: { replicas: [replica('sha256:aaa', { configDigest: undefined, evidence: unseenConfig })] } }, lkgs, { shop: 1 })).message).toContain('(this OS has no /proc)');
  });
  it('still fails what was observed to differ, beside what could not be observed', () => {
    const comparison = compareWithLkg({ shop: { replicas: [replica('sha256:bbb'), replica('sha256:aaa', { configDigest: undefined, evidence: unseenConfig })] } }, lkgs, { shop: 2 });
    expect(lkgEqualityCheck('lkg', comparison)).toMatchObject({ status: 'failed', message: expect.stringContaining('1 of 2 serving replicas run sha256:bbb') });
    const twoServices = compareWithLkg({ shop: { replicas: [replica('sha256:bbb')] }, stock: { replicas: [replica('sha256:aaa', { configDigest: undefined, evidence: unseenConfig })] } }, new Map([['shop', lkg], ['stock', lkg]]), { shop: 1, stock: 1 });
    expect(lkgEqualityCheck('lkg', twoServices).status).toBe('failed');
  });
  it('records where the digests came from', () => {
    const evidence = { release: 'launcher-cwd', config: 'launcher-environ' } as const;
    expect(compareWithLkg({ shop: { replicas: [replica('sha256:aaa', { evidence })] } }, lkgs, { shop: 1 }).shop).toMatchObject({ match: true, evidence });
  });
});

describe('driftCheck', () => {
  const desired = [{ service: 'shop', version: '1.0.0', digest: 'sha256:aaa' as const, configDigest: 'sha256:cfg' as const, replicas: 1, env: {} }];
  it('is unknown when nothing differs but something could not be observed; a difference still fails', () => {
    expect(driftCheck(desired, [], ['shop/shop-g1-0: config: this OS has no /proc'])).toMatchObject({ status: 'unknown', message: 'no data: unobservable: shop/shop-g1-0: config: this OS has no /proc' });
    expect(driftCheck(desired, [{ service: 'shop', kind: 'replicas', desired: '1', observed: '0' }], ['shop/shop-g1-0: config: x']).status).toBe('failed');
    expect(driftCheck(desired, []).status).toBe('passed');
  });
});

describe('ackedWriteCheck', () => {
  const base = { attempted: 10, acked: 10, failed: 0, indeterminate: 0, lost: 0, lostIds: [], unexpected: 0, recovered: 0, readBack: true };
  it('fails on a lost write and on an unexpected one', () => {
    expect(ackedWriteCheck({ ...base, lost: 1, lostIds: ['w-1'] }, 0).status).toBe('failed');
    expect(ackedWriteCheck({ ...base, unexpected: 1 }, 0).status).toBe('failed');
  });
  it('is unknown when nothing was read back or nothing acknowledged', () => {
    expect(ackedWriteCheck({ ...base, readBack: false, readBackError: 'ECONNREFUSED' }, 0).status).toBe('unknown');
    expect(ackedWriteCheck({ ...base, acked: 0 }, 0).status).toBe('unknown');
  });
  it('passes when every acknowledged write is back, within the allowed loss', () => {
    expect(ackedWriteCheck(base, 0).status).toBe('passed');
    expect(ackedWriteCheck({ ...base, lost: 1, lostIds: ['w'] }, 1).status).toBe('passed');
  });
});
