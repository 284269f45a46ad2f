import { afterEach, describe, expect, it } from 'vitest';
import { trafficSchema, type SloSpec, type TrafficSpec } from '../scenario/schema.ts';
import { startChildHttpServer } from '../traffic/child-http-server.ts';
import { measuredRun } from '../health/test-support.ts';
import { measuredSliCheck } from './measured-sli-check.ts';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

/** A service in its own process, so blocking this test's event loop stalls the harness only. */
async function service(delayMs = 0): Promise<URL> {
  const server = await startChildHttpServer({ delayMs });
  stops.push(() => server.stop());
  return server.url;
}

const traffic = (fields: Record<string, unknown>): TrafficSpec => trafficSchema.parse({ target: 'svc', rate: 100, reads: ['/'], ...fields });
const slo = (fields: Partial<SloSpec>): SloSpec => ({ recoveryTime: '5s', availability: 0.99, dataLoss: 0, stabilization: '1s', ...fields }) as SloSpec;

// Real traffic, real servers in child processes, the harness saturated on purpose by a busy loop
// in this (the harness's) process or by CPU hogs. Only the direction of each verdict is asserted.
describe('measuredSliCheck: latency', () => {
  it('is unknown (harness saturated) when the harness\'s own event loop accounts for the latency', async () => {
    const measure = await measuredRun({ url: await service(), traffic: traffic({}), durationMs: 1500, block: { atMs: 500, ms: 400 } });
    const check = measuredSliCheck('steady', measure, slo({ p95: '100ms' }));
    expect(measure.measured.p95Ms).toBeGreaterThan(100);
    expect(check.status).toBe('unknown');
    expect(check.harnessSaturated).toBe(true);
    expect(check.message).toMatch(/^no data: harness saturated: send lag p99 \S+, event-loop delay p99/);
    expect(check.message).toContain('p95');
  });

  it('still fails a genuinely slow service while the harness is healthy', async () => {
    const measure = await measuredRun({ url: await service(300), traffic: traffic({}), durationMs: 1200 });
    const check = measuredSliCheck('steady', measure, slo({ p95: '100ms' }));
    expect(check.status).toBe('failed');
    expect(check.harnessSaturated).toBeUndefined();
    expect(check.message).toMatch(/^p95 \S+ > 100ms/);
  });

  it('passes a fast service with a healthy harness, with the harness\'s numbers in observed', async () => {
    const measure = await measuredRun({ url: await service(), traffic: traffic({}), durationMs: 800 });
    const check = measuredSliCheck('steady', measure, slo({ p95: '250ms' }));
    expect(check.status).toBe('passed');
    expect(check.observed?.harness).toMatchObject({ dropped: 0, explainedFailures: 0 });
  });
});

describe('measuredSliCheck: availability', () => {
  it('is unknown when requests timed out while the harness\'s loop was stalled', async () => {
    const measure = await measuredRun({ url: await service(60), traffic: traffic({ timeout: '100ms' }), durationMs: 1500, block: { atMs: 500, ms: 400 } });
    const check = measuredSliCheck('steady', measure, slo({}));
    expect(measure.measured.errors).toBeGreaterThan(0);
    expect(measure.explainedFailures).toBe(measure.measured.errors);
    expect(check.status).toBe('unknown');
    expect(check.harnessSaturated).toBe(true);
    expect(check.message).toMatch(/failures it could have caused/);
  });

  it('still fails a service that does not answer in time while the harness is healthy', async () => {
    const measure = await measuredRun({ url: await service(5_000), traffic: traffic({ rate: 50, timeout: '100ms' }), durationMs: 800 });
    const check = measuredSliCheck('steady', measure, slo({}));
    expect(check.status).toBe('failed');
    expect(measure.explainedFailures).toBeLessThan(measure.measured.errors / 2);
    expect(check.message).toMatch(/^availability \S+ < 99\.00%/);
  });

  it('is unknown when dropped arrivals could have missed an SLO the sent requests met, and passes without drops', async () => {
    const url = await service(50);
    const dropping = await measuredRun({ url, traffic: traffic({ maxInFlight: 1 }), durationMs: 800 });
    expect(dropping.dropped).toBeGreaterThan(0);
    const check = measuredSliCheck('steady', dropping, slo({ availability: 0.9, p95: '250ms' }));
    expect(check.status).toBe('unknown');
    expect(check.message).toMatch(/arrivals dropped at the in-flight limit/);
    const sending = await measuredRun({ url, traffic: traffic({}), durationMs: 800 });
    expect(measuredSliCheck('steady', sending, slo({ availability: 0.9, p95: '250ms' })).status).toBe('passed');
  });
});

describe('measuredSliCheck: a saturated machine', () => {
  // The scheduler cannot be made to starve this process on demand (an interactive process
  // preempts CPU hogs), so these two give the rule the machine's verdict, with real traffic.
  it('is unknown for a slow service whose requests ran on a saturated machine (machine verdict given, not measured)', async () => {
    const measure = await measuredRun({ url: await service(300), traffic: traffic({ rate: 50 }), durationMs: 800, machine: () => true });
    const check = measuredSliCheck('steady', measure, slo({ p95: '100ms' }));
    expect(measure.unmeasured).toBe(measure.measured.requests);
    expect(check.status).toBe('unknown');
    expect(check.message).toMatch(/requests in flight while the machine was saturated, too many to judge the rest/);
  });

  it('fails the same slow service when the machine was not saturated (machine verdict given, not measured)', async () => {
    const measure = await measuredRun({ url: await service(300), traffic: traffic({ rate: 50 }), durationMs: 800, machine: () => false });
    expect(measuredSliCheck('steady', measure, slo({ p95: '100ms' })).status).toBe('failed');
  });

  it('leaves a slow service failed next to CPU hogs: an interactive process is not starved by them, so the machine is not called saturated', async () => {
    const measure = await measuredRun({ url: await service(300), traffic: traffic({ rate: 50 }), durationMs: 1000, hog: true });
    expect(measure.health?.cpu?.machineBusy).toBeGreaterThan(0.5);
    expect(measuredSliCheck('steady', measure, slo({ p95: '100ms' })).status).toBe('failed');
  });
});
