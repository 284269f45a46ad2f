import { describe, expect, it } from 'vitest';
import type { SloSpec } from '../scenario/schema.ts';
import type { WindowMeasure } from '../health/window-measure.ts';
import { latenessText, measuredSliCheck } from './measured-sli-check.ts';

// The rules of measured-sli-check.ts on windows given as numbers; measured-sli-check.test.ts
// drives the same check with real traffic and a harness saturated on purpose.
const slo = (fields: Partial<SloSpec> = {}): SloSpec => ({ recoveryTime: '5s', availability: 0.99, dataLoss: 0, stabilization: '1s', p95: '100ms', ...fields }) as SloSpec;

/** SLIs as a window gives them: every percentile present, undefined where it has none. */
type Slis = { requests: number; errors: number; availability?: number; p95Ms?: number; p99Ms?: number };
const slis = (s: Slis): WindowMeasure['measured'] => ({ availability: undefined, p50Ms: undefined, p95Ms: undefined, p99Ms: undefined, maxMs: undefined, ...s });

function window(fields: Partial<Omit<WindowMeasure, 'measured' | 'corrected'>> & { measured?: Slis; corrected?: Slis } = {}): WindowMeasure {
  const { measured = { requests: 100, errors: 0, availability: 1, p95Ms: 20 }, corrected = measured, ...rest } = fields;
  return {
    fromMs: 0,
    toMs: 1000,
    explainedFailures: 0,
    unmeasured: 0,
    mostlyUnmeasured: false,
    dropped: 0,
    sendLagP99Ms: 0.5,
    sendLagMaxMs: 0.75,
    latenessP99Ms: 0.5,
    health: undefined,
    latencyAt: () => 20,
    ...rest,
    measured: slis(measured),
    corrected: slis(corrected),
  };
}

const saturatedHealth = { eventLoopDelayP99Ms: 180.4, eventLoopDelayMaxMs: 400, stallMs: 350.1234, cpu: { processMs: 900, machineBusy: 0.974, pressure: 0.5, waiting: 0.31, waitPerWakeMs: 2.5 } };

describe('measuredSliCheck on given windows', () => {
  it('passes a window within the SLO and records the harness beside it, rounded', () => {
    const check = measuredSliCheck('steady', window({ health: saturatedHealth, sendLagP99Ms: 1.23456, sendLagMaxMs: Infinity, latenessP99Ms: undefined }), slo());
    expect(check).toMatchObject({ name: 'steady', status: 'passed', message: '100 requests, availability 100.00%, p95 20ms' });
    expect(check.observed?.harness).toEqual({
      sendLagP99Ms: 1.235, sendLagMaxMs: null, latenessP99Ms: null, explainedFailures: 0, unmeasured: 0, dropped: 0,
      eventLoopDelayP99Ms: 180.4, eventLoopDelayMaxMs: 400, stallMs: 350.123,
      machineCpu: 0.974, machineCpuPressure: 0.5, cpuWaiting: 0.31, cpuWaitPerWakeMs: 2.5, cpuMs: 900,
      corrected: { availability: 1, p95Ms: 20, p99Ms: null },
    });
    expect(check.observed).toMatchObject({ requests: 100, availability: 1 });
  });

  it('leaves out the loop and the CPU when there was no health monitor', () => {
    const check = measuredSliCheck('steady', window(), slo());
    expect(check.observed?.harness).toEqual({ sendLagP99Ms: 0.5, sendLagMaxMs: 0.75, latenessP99Ms: 0.5, explainedFailures: 0, unmeasured: 0, dropped: 0, corrected: { availability: 1, p95Ms: 20, p99Ms: null } });
    const noCpu = measuredSliCheck('steady', window({ health: { ...saturatedHealth, cpu: undefined } }), slo());
    expect(noCpu.observed?.harness).not.toHaveProperty('machineCpu');
    expect(noCpu.observed?.harness).toHaveProperty('stallMs', 350.123);
  });

  it('is unknown, as plain SLIs are, when no request completed', () => {
    const check = measuredSliCheck('steady', window({ measured: { requests: 0, errors: 0 } }), slo());
    expect(check).toEqual({ name: 'steady', status: 'unknown', message: 'no data: no request completed in the window', observed: undefined });
  });

  it('makes a pass unknown when the dropped arrivals, counted as failed, could have missed the SLO', () => {
    const check = measuredSliCheck('steady', window({ dropped: 2 }), slo());
    expect(check.status).toBe('unknown');
    expect(check.harnessSaturated).toBe(true);
    expect(check.message).toBe('no data: harness saturated: 2 arrivals dropped at the in-flight limit were never sent, and could have missed the SLO (100 requests, availability 100.00%, p95 20ms)');
    expect(check.observed?.harness).toMatchObject({ dropped: 2 });
  });

  it('keeps the pass when the dropped arrivals could not have missed it: availability and the percentiles with them counted', () => {
    const asked: number[] = [];
    const measure = window({ dropped: 1, latencyAt: (p) => (asked.push(p), 20) });
    const check = measuredSliCheck('steady', measure, slo({ availability: 0.98, p99: '200ms' }));
    expect(check).toMatchObject({ status: 'passed', message: '100 requests, availability 100.00%, p95 20ms' });
    expect(check.observed?.harness).toMatchObject({ dropped: 1 });
    // The 95th and 99th of 101 requests, read from the 100 that were measured.
    expect(asked[0]).toBeCloseTo(95.95, 10);
    expect(asked[1]).toBeCloseTo(99.99, 10);
  });

  it('counts each dropped arrival as slower than any measured request: enough drops put a percentile past the limit', () => {
    // 2 of 102 is over 1%: the p99 is a dropped arrival, infinitely slow.
    expect(measuredSliCheck('steady', window({ dropped: 2 }), slo({ availability: 0.9, p99: '200ms' })).status).toBe('unknown');
    expect(measuredSliCheck('steady', window({ dropped: 1 }), slo({ availability: 0.9, p99: '200ms' })).status).toBe('passed');
    // 98 of the 101 answered well: under 98%.
    expect(measuredSliCheck('steady', window({ dropped: 1, measured: { requests: 100, errors: 2, availability: 0.98, p95Ms: 20 } }), slo({ availability: 0.98, p95: undefined })).status).toBe('unknown');
    // And a dropped arrival is a failed one: 1 of 101 takes availability under 99.5%.
    expect(measuredSliCheck('steady', window({ dropped: 1 }), slo({ availability: 0.995, p95: undefined })).status).toBe('unknown');
    expect(measuredSliCheck('steady', window({ dropped: 1, measured: { requests: 100, errors: 1, availability: 0.99, p95Ms: 20 } }), slo({ availability: 0.98, p95: undefined })).status).toBe('passed');
  });

  it('is unknown when the harness\'s lateness accounts for the violation, saying how late it was', () => {
    const measure = window({
      measured: { requests: 100, errors: 3, availability: 0.97, p95Ms: 450 },
      corrected: { requests: 100, errors: 0, availability: 1, p95Ms: 40, p99Ms: 60 },
      sendLagP99Ms: 300, latenessP99Ms: 420, explainedFailures: 3, health: saturatedHealth,
    });
    const check = measuredSliCheck('steady', measure, slo());
    expect(check.status).toBe('unknown');
    expect(check.harnessSaturated).toBe(true);
    expect(check.message).toBe(
      'no data: harness saturated: send lag p99 300ms, event-loop delay p99 180ms (max 400ms), lateness p99 420ms, 3 failures it could have caused, ' +
        'machine CPU 97% (the harness waited for a CPU 31% of the time); availability 97.00% < 99.00%; p95 450ms > 100ms is within its lateness ' +
        '(availability 100.00%, p95 40ms, p99 60ms without it)',
    );
  });

  it('says a corrected window without percentiles in availability alone', () => {
    const measure = window({ measured: { requests: 100, errors: 0, availability: 1, p95Ms: 300 }, corrected: { requests: 100, errors: 0, availability: undefined }, latenessP99Ms: 900 });
    expect(measuredSliCheck('steady', measure, slo({ availability: 0 })).message).toMatch(/is within its lateness \(availability 0\.00% without it\)$/);
  });

  it('fails a violation that stays with the lateness taken out, and says it stays when the harness was late', () => {
    const slow = { requests: 100, errors: 0, availability: 1, p95Ms: 300 };
    const late = measuredSliCheck('steady', window({ measured: slow, corrected: { ...slow, p95Ms: 250 }, sendLagP99Ms: 10, latenessP99Ms: 50 }), slo());
    expect(late.status).toBe('failed');
    expect(late.harnessSaturated).toBeUndefined();
    expect(late.message).toBe('p95 300ms > 100ms (100 requests, availability 100.00%, p95 300ms); p95 250ms > 100ms even without the harness\'s lateness (send lag p99 10ms, lateness p99 50ms)');
    expect(late.observed?.harness).toMatchObject({ latenessP99Ms: 50 });
    const both = { requests: 100, errors: 5, availability: 0.95, p95Ms: 300 };
    expect(measuredSliCheck('steady', window({ measured: both, corrected: both, latenessP99Ms: 2 }), slo()).message).toContain('; availability 95.00% < 99.00%; p95 300ms > 100ms even without');
    const punctual = measuredSliCheck('steady', window({ measured: slow, corrected: slow, latenessP99Ms: 0.9 }), slo());
    expect(punctual.message).toBe('p95 300ms > 100ms (100 requests, availability 100.00%, p95 300ms)');
    expect(measuredSliCheck('steady', window({ measured: slow, corrected: slow, latenessP99Ms: 1 }), slo()).message).toContain('even without');
    expect(measuredSliCheck('steady', window({ measured: slow, corrected: slow, latenessP99Ms: undefined }), slo()).message).not.toContain('even without');
  });

  it('is unknown for any violation when most requests ran on a saturated machine, even one the correction keeps', () => {
    const slow = { requests: 100, errors: 0, availability: 1, p95Ms: 300 };
    const check = measuredSliCheck('steady', window({ measured: slow, corrected: slow, unmeasured: 60, mostlyUnmeasured: true }), slo());
    expect(check.status).toBe('unknown');
    expect(check.message).toContain('60 of 100 requests in flight while the machine was saturated, too many to judge the rest');
    expect(measuredSliCheck('steady', window({ measured: slow, corrected: slow, unmeasured: 60 }), slo()).status).toBe('failed');
  });
});

describe('latenessText', () => {
  it('names only what it measured', () => {
    expect(latenessText(window({ sendLagP99Ms: undefined, latenessP99Ms: undefined }))).toBe('send lag p99 0.00ms, lateness p99 0.00ms');
    const cpu = { ...saturatedHealth.cpu, waiting: undefined };
    expect(latenessText(window({ health: { ...saturatedHealth, cpu }, unmeasured: 10 }))).toBe(
      'send lag p99 0.50ms, event-loop delay p99 180ms (max 400ms), lateness p99 0.50ms, machine CPU 97%, 10 of 100 requests in flight while the machine was saturated',
    );
  });
});
