import { describe, expect, it } from 'vitest';
import { sliCheck } from './sli-check.ts';
import { compareWithLkg, lkgEqualityCheck } from './lkg-equality-check.ts';
import { ackedWriteCheck } from './acked-write-checker.ts';
import { driftCheck } from './drift-check.ts';
import { faultsCheck } from './faults-check.ts';
import { guardCheck } from './guard-check.ts';
import { recoveryCheck } from './recovery-check.ts';
import { isUnobservable, short } from './lkg-equality-check.ts';
import type { ResolvedRelease } from '../drivers/driver.ts';
import type { FaultRecord } from '../faults/fault-runner.ts';
import type { Guard } from '../guard/guard.ts';

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

describe('sliCheck: its boundaries and its words', () => {
  it('passes exactly at the bounds and fails just past them', () => {
    const withP99 = { ...slo, p99: '200ms' };
    expect(sliCheck('w', { requests: 100, errors: 1, availability: 0.99, p95Ms: 100, p99Ms: 200 }, withP99).status).toBe('passed');
    expect(sliCheck('w', { requests: 100, errors: 2, availability: 0.9899, p95Ms: 100 }, withP99).message).toBe('availability 98.99% < 99.00% (100 requests, availability 98.99%, p95 100ms)');
    expect(sliCheck('w', { requests: 100, errors: 0, availability: 1, p95Ms: 100.5, p99Ms: 201 }, withP99)).toMatchObject({
      name: 'w', status: 'failed', message: 'p95 101ms > 100ms; p99 201ms > 200ms (100 requests, availability 100.00%, p95 101ms, p99 201ms)',
    });
  });
  it('is unknown with zero requests whatever availability a summary claims', () => {
    expect(sliCheck('w', { requests: 0, errors: 0, availability: 1 }, slo).status).toBe('unknown');
  });
  it('judges only the percentiles the SLO sets and the window has', () => {
    expect(sliCheck('w', { requests: 10, errors: 0, availability: 1, p99Ms: 5_000 }, slo)).toMatchObject({ status: 'passed', message: '10 requests, availability 100.00%, p99 5.00s' });
    expect(sliCheck('w', { requests: 10, errors: 0, availability: 1 }, slo).message).toBe('10 requests, availability 100.00%');
  });
  it('is unknown, with why, for a window without an availability, and keeps the numbers it was given', () => {
    for (const availability of [undefined, Number.NaN]) {
      expect(sliCheck('w', { requests: 5, errors: 5, availability }, slo)).toMatchObject({ status: 'unknown', message: 'no data: no request completed in the window' });
    }
    expect(sliCheck('w', { requests: 3, errors: 0, availability: 1, p95Ms: 9 }, slo).observed).toEqual({ requests: 3, errors: 0, availability: 1, p95Ms: 9 });
  });
});

describe('LKG equality: what the reader is told', () => {
  const lkgs = new Map([['shop', lkg]]);
  const reason = (replicas: ReturnType<typeof replica>[], want = 2) => compareWithLkg({ shop: { replicas } }, lkgs, { shop: want }).shop;

  it('names the wrong release, the drifted config, the unhealthy replicas and the count', () => {
    expect(reason([replica('sha256:aaa'), replica('sha256:0123456789abcdef0123')])).toMatchObject({
      expected: 'sha256:aaa', observed: 'mixed:sha256:aaa,sha256:0123456789abcdef0123', match: false,
      reason: '1 of 2 serving replicas run sha256:0123456789ab, not the LKG sha256:aaa',
    });
    expect(reason([replica('sha256:aaa'), replica('sha256:aaa', { configDigest: 'sha256:other' })])).toMatchObject({ observed: 'sha256:aaa', reason: '1 replicas run the LKG artifact with a different configuration (config drift)' });
    expect(reason([replica('sha256:aaa', { healthy: false }), replica('sha256:aaa', { healthy: false })])?.reason).toBe('2 serving replicas are unhealthy');
    expect(reason([replica('sha256:aaa')], 2)?.reason).toBe('1 replicas serve, the scenario asks for 2');
    expect(reason([replica('sha256:aaa'), replica('sha256:aaa'), replica('sha256:aaa')], 2)?.reason).toBe('3 replicas serve, the scenario asks for 2');
    expect(reason([replica('sha256:aaa', { serving: false })])).toMatchObject({ observed: 'none', match: false, reason: 'no replica serves traffic' });
    expect(compareWithLkg({}, lkgs, { shop: 1 }).shop).toMatchObject({ observed: 'none', reason: 'no replica serves traffic' });
  });

  it('names every wrong release, and says the release is what could not be observed when any replica\'s could not', () => {
    expect(reason([replica('sha256:bbb'), replica('sha256:ccc')])?.reason).toBe('2 of 2 serving replicas run sha256:bbb, sha256:ccc, not the LKG sha256:aaa');
    const unseenRelease = { release: 'unobservable', config: 'launcher-environ', reason: 'r' } as const;
    const unseenConfig = { release: 'launcher-cwd', config: 'unobservable', reason: 'r' } as const;
    expect(reason([replica('sha256:aaa', { evidence: unseenConfig }), replica('sha256:aaa', { evidence: unseenRelease })])?.unobservable).toMatch(/^the release of 2 of 2/);
  });

  it('names releases the scenario knows by name and version beside the digest, in the reason, the comparison and the passed message', () => {
    const v1 = { ...lkg, name: 'v1', version: '1.0.0' } as ResolvedRelease;
    const v2 = { ...lkg, name: 'v2', version: '2.0.0', digest: 'sha256:d5e41d9e0a9bd4de5f41' } as ResolvedRelease;
    const named = new Map([['shop', v1]]);
    const lookup = (service: string, digest: string) => (service === 'shop' ? [v1, v2].find((r) => r.digest === digest) : undefined);
    const wrong = compareWithLkg({ shop: { replicas: [replica(v2.digest)] } }, named, { shop: 1 }, lookup).shop!;
    expect(wrong.reason).toBe('1 of 1 serving replicas run v2 (2.0.0, sha256:d5e41d9e0a9b), not the LKG v1 (1.0.0, sha256:aaa)');
    expect(wrong).toMatchObject({ expectedRelease: { name: 'v1', version: '1.0.0' }, observedRelease: { name: 'v2', version: '2.0.0' } });
    const unknownDigest = compareWithLkg({ shop: { replicas: [replica('sha256:0123456789abcdef')] } }, named, { shop: 1 }, lookup).shop!;
    expect(unknownDigest.reason, 'a digest the scenario has no release for stays a digest').toBe('1 of 1 serving replicas run sha256:0123456789ab, not the LKG v1 (1.0.0, sha256:aaa)');
    const right = compareWithLkg({ shop: { replicas: [replica(v1.digest)] } }, named, { shop: 1 }, lookup);
    expect(lkgEqualityCheck('LKG state at end of drill', right).message).toBe('every service runs its LKG (shop=v1 1.0.0 sha256:aaa)');
  });

  it('takes a digest missing without evidence, or a config digest missing beside evidence, as not observed', () => {
    expect(reason([replica('sha256:aaa', { digest: undefined })], 1)).toMatchObject({ observed: 'unobservable', match: false, unobservable: 'the release of 1 of 1 serving replicas could not be observed (the driver did not say)' });
    expect(reason([replica('sha256:aaa', { configDigest: undefined, evidence: { release: 'launcher-cwd', config: 'launcher-environ' } })], 1)).toMatchObject({ match: false, unobservable: expect.stringMatching(/^the configuration of 1 of 1/) });
  });

  it('asks for one replica when the scenario does not say', () => {
    expect(compareWithLkg({ shop: { replicas: [replica('sha256:aaa')] } }, lkgs, {}).shop?.match).toBe(true);
  });

  it('lists each failing service in the check, and passes with every service named', () => {
    const two = new Map([['shop', lkg], ['stock', lkg]]);
    const both = compareWithLkg({ shop: { replicas: [replica('sha256:bbb')] }, stock: { replicas: [] } }, two, { shop: 1, stock: 1 });
    expect(lkgEqualityCheck('lkg', both).observed).toEqual({ services: both });
    expect(lkgEqualityCheck('lkg', both).message).toBe('shop: 1 of 1 serving replicas run sha256:bbb, not the LKG sha256:aaa; stock: no replica serves traffic');
    const ok = compareWithLkg({ shop: { replicas: [replica('sha256:aaa')] }, stock: { replicas: [replica('sha256:aaa')] } }, two, { shop: 1, stock: 1 });
    expect(lkgEqualityCheck('lkg', ok)).toMatchObject({ name: 'lkg', status: 'passed', message: 'every service runs its LKG (shop=sha256:aaa, stock=sha256:aaa)', observed: { services: ok } });
    expect(lkgEqualityCheck('lkg', {})).toMatchObject({ status: 'failed', message: 'no service has a last-known-good release to compare with' });
  });

  it('says which part could not be observed, of how many, and why; the driver\'s silence is said too', () => {
    const unseenRelease = { release: 'unobservable', config: 'launcher-environ', reason: 'no /proc' } as const;
    const comparison = reason([replica('sha256:aaa'), replica('sha256:zzz', { evidence: unseenRelease })]);
    expect(comparison).toMatchObject({ observed: 'mixed:sha256:aaa,unobservable', match: false, evidence: unseenRelease, unobservable: 'the release of 1 of 2 serving replicas could not be observed (no /proc)' });
    expect(reason([replica('sha256:aaa', { configDigest: undefined })], 1)?.unobservable).toBe('the configuration of 1 of 1 serving replicas could not be observed (the driver did not say)');
    // An observed release that is there without a digest is 'unknown', and differs from the LKG.
    expect(reason([replica('sha256:aaa', { digest: undefined, evidence: { release: 'launcher-cwd', config: 'launcher-environ' } })], 1)).toMatchObject({ observed: 'unknown', reason: '1 of 1 serving replicas run unknown, not the LKG sha256:aaa' });
    // A config said to be unobservable is not compared, even with a digest beside it.
    expect(reason([replica('sha256:aaa', { configDigest: 'sha256:other', evidence: { release: 'launcher-cwd', config: 'unobservable' } })], 1)).toMatchObject({ match: false, unobservable: expect.stringContaining('the configuration of 1 of 1') });
    const check = lkgEqualityCheck('lkg', { shop: comparison!, stock: { ...comparison!, unobservable: 'x' } });
    expect(check.message).toBe('no data: unobservable: shop: the release of 1 of 2 serving replicas could not be observed (no /proc); stock: x');
    expect(check.observed).toEqual({ services: { shop: comparison, stock: { ...comparison, unobservable: 'x' } } });
  });

  it('records the evidence of the first replica that could not be observed, else of the first one', () => {
    const seen = { release: 'launcher-cwd', config: 'launcher-environ' } as const;
    const unseen = { release: 'launcher-cwd', config: 'unobservable', reason: 'r' } as const;
    expect(reason([replica('sha256:aaa', { evidence: seen }), replica('sha256:aaa', { configDigest: undefined, evidence: unseen })])?.evidence).toEqual(unseen);
    expect(reason([replica('sha256:aaa', { evidence: seen }), replica('sha256:aaa', { evidence: { ...seen, config: 'engine' } })])?.evidence).toEqual(seen);
    expect(reason([replica('sha256:aaa'), replica('sha256:aaa')])).not.toHaveProperty('evidence');
  });

  it('is unobservable for good only when nothing else is wrong', () => {
    expect(isUnobservable({ a: { expected: 'sha256:a', observed: 'x', match: false, unobservable: 'why' }, b: { expected: 'sha256:a', observed: 'x', match: true } })).toBe(true);
    expect(isUnobservable({ a: { expected: 'sha256:a', observed: 'x', match: false, unobservable: 'why' }, b: { expected: 'sha256:a', observed: 'x', match: false } })).toBe(false);
    expect(isUnobservable({ a: { expected: 'sha256:a', observed: 'x', match: true } })).toBe(false);
  });

  it('shortens sha256 digests to 12 hex digits and leaves others as they are', () => {
    expect(short('sha256:0123456789abcdef')).toBe('sha256:0123456789ab');
    expect(short('v1')).toBe('v1');
    expect(short(undefined)).toBe('unknown');
  });
});

describe('driftCheck: what the reader is told', () => {
  const desired = [
    { service: 'shop', version: '1.0.0', digest: 'sha256:0123456789abcdef' as const, configDigest: 'sha256:cfg' as const, replicas: 2, env: {} },
    { service: 'stock', version: '2.1.0', digest: 'sha256:fedcba9876543210' as const, configDigest: 'sha256:cfg' as const, replicas: 1, env: {} },
  ];
  it('passes naming every service as the ledger has it', () => {
    expect(driftCheck(desired, [])).toMatchObject({ name: 'no drift from the ledger', message: 'every service runs as the ledger says (shop=1.0.0 sha256:0123456789ab ×2, stock=2.1.0 sha256:fedcba987654 ×1)', observed: { desired } });
  });
  it('fails with one line per difference, and is unknown without a deploy in the ledger', () => {
    const diffs = [{ service: 'shop', kind: 'replicas' as const, desired: '2', observed: '1' }, { service: 'stock', replica: 'stock-0', kind: 'env' as const, key: 'MODE', desired: 'a', observed: 'b' }];
    expect(driftCheck(desired, diffs, ['x'])).toMatchObject({ status: 'failed', message: 'shop: replicas: desired 2, observed 1; stock/stock-0: env MODE: desired a, observed b', observed: { desired, diffs } });
    expect(driftCheck([], [])).toEqual({ name: 'no drift from the ledger', status: 'unknown', message: 'no data: the ledger records no deploy to compare with', observed: undefined });
    expect(driftCheck(desired, [], ['a: x', 'b: y'])).toMatchObject({ message: 'no data: unobservable: a: x; b: y', observed: { desired, unobservable: ['a: x', 'b: y'] } });
  });
});

describe('ackedWriteCheck: what the reader is told', () => {
  const base = { attempted: 12, acked: 10, failed: 1, indeterminate: 1, lost: 0, lostIds: [] as string[], unexpected: 0, recovered: 1, readBack: true };
  it('names the lost count, the allowance and the first three lost ids; and the unexpected ones', () => {
    const lostIds = Array.from({ length: 25 }, (_, i) => `w-${i + 1}`);
    const check = ackedWriteCheck({ ...base, lost: 25, lostIds, unexpected: 2 }, 1);
    expect(check).toMatchObject({ name: 'no acknowledged write lost', status: 'failed', message: '25 of 10 acknowledged writes are gone (allowed 1), e.g. w-1, w-2, w-3; 2 writes are present that were never attempted' });
    expect(check.observed).toEqual({ ...base, lost: 25, unexpected: 2, lostIds: lostIds.slice(0, 20) });
    expect(ackedWriteCheck({ ...base, lost: 2, lostIds: ['a', 'b'] }, 1).status).toBe('failed');
  });
  it('passes with how many came back, and how many indeterminate writes were applied', () => {
    expect(ackedWriteCheck(base, 0)).toMatchObject({ status: 'passed', message: '10 acknowledged writes all read back (1 of 1 indeterminate were applied)', observed: base });
  });
  it('says why it is unknown', () => {
    expect(ackedWriteCheck(undefined, 0)).toMatchObject({ status: 'unknown', message: 'no data: the scenario sends no writes' });
    expect(ackedWriteCheck({ ...base, readBack: false, readBackError: 'ECONNREFUSED' }, 0)).toMatchObject({ message: 'no data: the read-back failed: ECONNREFUSED', observed: { ...base, readBack: false, readBackError: 'ECONNREFUSED' } });
    expect(ackedWriteCheck({ ...base, readBack: false }, 0).message).toBe('no data: the read-back failed: no answer');
    expect(ackedWriteCheck({ ...base, acked: 0 }, 0).message).toBe('no data: no write was acknowledged (12 attempted), so nothing could be checked');
  });
});

describe('faultsCheck', () => {
  const record = (status: FaultRecord['status'], extra: Partial<FaultRecord> = {}): FaultRecord => ({ id: 'f1', fault: 'kill', target: 'shop', status, injections: [], ...extra });
  it('fails a fault that never landed, one that failed to revert and one left injected, each with its error', () => {
    const records = [record('inject-failed', { error: 'no such replica' }), record('revert-failed', { id: 'f2' }), record('injected', { id: 'f3', fault: 'latency', target: 'db' }), record('reverted', { id: 'f4' })];
    expect(faultsCheck(records)).toEqual({
      name: 'every fault injected and reverted', status: 'failed',
      message: 'f1 kill on shop: inject-failed (no such replica); f2 kill on shop: revert-failed; f3 latency on db: never reverted',
      observed: { faults: records },
    });
  });
  it('passes with the count, one fault or many, and the ones probability skipped', () => {
    expect(faultsCheck([record('reverted')])).toMatchObject({ status: 'passed', message: '1 fault injected and reverted', observed: { faults: [record('reverted')] } });
    expect(faultsCheck([record('reverted'), record('reverted'), record('skipped'), record('skipped')]).message).toBe('2 faults injected and reverted, 2 skipped by probability');
    expect(faultsCheck([]).message).toBe('0 faults injected and reverted');
  });
});

describe('guardCheck', () => {
  const guard = (fields: Partial<Pick<Guard, 'evaluations' | 'blindTicks' | 'trips' | 'lastBlindReason'>>) => ({ evaluations: 0, blindTicks: 0, trips: [], ...fields }) as unknown as Guard;
  it('has nothing to say without a guard', () => {
    expect(guardCheck(undefined)).toBeUndefined();
  });
  it('is unknown when the guard never judged, saying whether it watched at all', () => {
    expect(guardCheck(guard({ blindTicks: 7 }))).toEqual({
      name: 'guard analysis had data', status: 'unknown', message: 'no data: the guard watched 7 ticks without a verdict, so it could not have caught a bad release', observed: { evaluations: 0, blindTicks: 7, trips: 0 },
    });
    expect(guardCheck(guard({ blindTicks: 2, lastBlindReason: 'error rate: 3 of 5 samples' }))?.message).toBe('no data: the guard watched 2 ticks without a verdict (last: error rate: 3 of 5 samples), so it could not have caught a bad release');
    expect(guardCheck(guard({}))?.message).toBe('no data: the guard never watched a rollout, so it could not have caught a bad release');
  });
  it('passes a guard that judged, and one that tripped, saying when and why', () => {
    expect(guardCheck(guard({ evaluations: 12, blindTicks: 3 }))).toMatchObject({ status: 'passed', message: 'held through 12 evaluations', observed: { evaluations: 12, blindTicks: 3, trips: 0 } });
    const trips = [{ service: 'shop', tMs: 1500, analysis: 'error rate', message: 'error rate 50.0%' }, { service: 'shop', tMs: 9000, analysis: 'x', message: 'later' }];
    expect(guardCheck(guard({ trips }))).toMatchObject({ status: 'passed', message: 'tripped at 1.50s on shop: error rate 50.0%', observed: { trips: 2 } });
  });
});

describe('recoveryCheck', () => {
  const recovery = { ttdMs: 200, ttrMs: 4_000, rtoMs: 5_000, withinSlo: true, detection: 'guard' as const };
  it('has nothing to say when nothing was detected', () => {
    expect(recoveryCheck({ ttdMs: null, ttrMs: null, rtoMs: 5_000, withinSlo: null })).toBeUndefined();
  });
  it('passes a restore within the RTO, at the RTO too, and fails one past it, with the times', () => {
    expect(recoveryCheck(recovery)).toEqual({ name: 'restored within RTO 5.00s', status: 'passed', message: 'time to restore 4.00s (detected 200ms after the first bad observation)', observed: recovery });
    expect(recoveryCheck({ ...recovery, ttrMs: 5_000 })?.status).toBe('passed');
    expect(recoveryCheck({ ...recovery, ttrMs: 5_001, ttdMs: null })).toMatchObject({ status: 'failed', message: 'time to restore 5.00s (from the detection) exceeds the RTO', observed: { ttrMs: 5_001 } });
    // A planned rollback is not detected: no ttd, and no "first bad observation" for what is the rollback's own start.
    expect(recoveryCheck({ ...recovery, detection: 'planned-rollback', ttdMs: null, firstBadMs: undefined })).toMatchObject({ status: 'passed', message: "time to restore 4.00s (from the planned rollback's start)" });
  });
  it('has no check without a detection, unless a rollback ran: then the lost start fails it, never a silent pass', () => {
    const none = { ttdMs: null, ttrMs: null, rtoMs: 5000, withinSlo: null };
    expect(recoveryCheck(none)).toBeUndefined();
    expect(recoveryCheck(none, undefined, 3620)).toMatchObject({ name: 'restored within RTO 5.00s', status: 'failed', message: 'a rollback ran at 3.62s but nothing recorded what started its recovery, so its time to restore cannot be judged' });
  });
  it('fails a detected incident never restored, unless the LKG state could not be observed', () => {
    expect(recoveryCheck({ ...recovery, ttrMs: null })).toMatchObject({ status: 'failed', message: 'detected by guard but the LKG state was never verified restored' });
    expect(recoveryCheck({ ...recovery, detection: 'planned-rollback', ttdMs: null, ttrMs: null })).toMatchObject({ status: 'failed', message: 'the planned rollback ran but the LKG state was never verified restored' });
    expect(recoveryCheck({ ...recovery, ttrMs: null }, 'no /proc')).toMatchObject({ status: 'unknown', message: 'no data: detected by guard; the LKG state is unobservable (no /proc), so the restore cannot be timed' });
    expect(recoveryCheck(recovery, 'no /proc')?.status).toBe('passed');
  });
});
