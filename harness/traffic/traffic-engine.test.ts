import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { trafficSchema, type TrafficSpec } from '../scenario/schema.ts';
import { SeededRandom } from '../util/seeded-random.ts';
import { respond, startTestServer, type TestServer } from './http-test-server.ts';
import type { Sample } from './sample.ts';
import { startChildHttpServer } from './child-http-server.ts';
import { TrafficEngine } from './traffic-engine.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function spec(fields: Partial<Record<keyof TrafficSpec, unknown>>): TrafficSpec {
  return trafficSchema.parse({ target: 'shop', ...fields });
}

/** An engine against `url`, stopped after the test whatever happens; samples collected in order. */
function engineFor(url: URL, traffic: TrafficSpec, seed = 1): { engine: TrafficEngine; samples: Sample[] } {
  const samples: Sample[] = [];
  const engine = new TrafficEngine({ baseUrl: url, spec: traffic, clock: () => performance.now(), random: new SeededRandom(seed), idPrefix: 't', onSample: (s) => samples.push(s) });
  cleanups.push(() => engine.stop());
  return { engine, samples };
}

async function server(handler: Parameters<typeof startTestServer>[0]): Promise<TestServer> {
  const started = await startTestServer(handler);
  cleanups.push(() => started.close());
  return started;
}

async function runFor(engine: TrafficEngine, ms: number): Promise<void> {
  engine.start();
  await sleep(ms);
  await engine.stop();
}

const ok = (_req: unknown, response: ServerResponse): void => respond(response, 200, 'ok', { 'x-drillbit-release': 'sha256:abc' });

describe('TrafficEngine', () => {
  it('achieves the configured rate with evenly spaced intended times', async () => {
    const target = await server(ok);
    const { engine, samples } = engineFor(target.url, spec({ rate: 200 }));
    const startedMs = performance.now();
    engine.start();
    await sleep(1000);
    const elapsedMs = performance.now() - startedMs;
    await engine.stop();
    expect(samples.length).toBeGreaterThanOrEqual(180);
    expect(samples.length).toBeLessThanOrEqual(Math.floor((elapsedMs * 200) / 1000) + 1);
    const intended = samples.map((s) => s.intendedMs).sort((a, b) => a - b);
    expect(intended[0]! - startedMs).toBeLessThan(50);
    for (let i = 1; i < intended.length; i++) expect(intended[i]! - intended[i - 1]!).toBeCloseTo(5, 6);
    expect(samples.every((s) => s.ok && s.status === 200 && s.release === 'sha256:abc' && s.kind === 'read')).toBe(true);
    expect(engine.counters).toEqual({ sent: samples.length, dropped: 0, inFlight: 0, completed: samples.length });
  });

  it('measures latency from the intended time: requests queued behind a stall all show it', async () => {
    const stalling = await startChildHttpServer({ stallAt: 40, stallMs: 300 }); // request 40 (~200ms in) blocks the server's loop for 300ms
    cleanups.push(() => stalling.stop());
    const { engine, samples } = engineFor(stalling.url, spec({ rate: 200 }));
    await runFor(engine, 1000);
    const behind = samples.filter((s) => s.latencyMs >= 150).sort((a, b) => a.intendedMs - b.intendedMs);
    // ~60 arrivals fall in the 300ms stall; the first ~30 of them wait >= 150ms. A closed-model
    // client would have sent one and waited, reporting a single slow request.
    expect(behind.length).toBeGreaterThanOrEqual(20);
    expect(Math.max(...samples.map((s) => s.latencyMs))).toBeGreaterThanOrEqual(290);
    expect(behind.at(-1)!.intendedMs - behind[0]!.intendedMs).toBeGreaterThanOrEqual(100);
    expect(samples.filter((s) => !s.ok)).toEqual([]);
  });

  it('drops and counts arrivals beyond maxInFlight, and times out the requests in flight', async () => {
    const held: ServerResponse[] = [];
    const target = await server((_req, response) => held.push(response));
    cleanups.push(async () => held.forEach((r) => r.end()));
    const { engine, samples } = engineFor(target.url, spec({ rate: 200, maxInFlight: 5, timeout: '300ms' }));
    engine.start();
    await sleep(250);
    expect(engine.counters).toMatchObject({ sent: 5, inFlight: 5 });
    const oldest = engine.oldestInFlightSentMs()!;
    expect(performance.now() - oldest).toBeGreaterThanOrEqual(240);
    await engine.stop();
    expect(engine.oldestInFlightSentMs()).toBeUndefined();
    const { sent, dropped, inFlight } = engine.counters;
    expect({ sent, inFlight }).toEqual({ sent: 5, inFlight: 0 });
    expect(dropped).toBeGreaterThanOrEqual(40);
    expect(samples).toHaveLength(5);
    expect(samples.every((s) => !s.ok && s.status === 0 && s.error === 'timeout after 300ms')).toBe(true);
    expect(samples.every((s) => s.latencyMs >= 300)).toBe(true);
  });

  it('classifies writes: 201 ok, 400 failed, 500 and timeout indeterminate', async () => {
    const statusFor = [undefined, 201, 400, 500] as const; // by id number % 4; 0 never answers
    const held: ServerResponse[] = [];
    const target = await server((_req, response, body) => {
      const status = statusFor[Number((JSON.parse(body) as { id: string }).id.split('-')[1]) % 4];
      if (status === undefined) held.push(response);
      else respond(response, status);
    });
    cleanups.push(async () => held.forEach((r) => r.end()));
    const { engine, samples } = engineFor(target.url, spec({ rate: 100, writes: '/orders', writeShare: 1, timeout: '200ms' }));
    await runFor(engine, 200);
    const records = [...engine.writes!.all()];
    expect(records.length).toBeGreaterThanOrEqual(16);
    const expected = ['indeterminate', 'ok', 'failed', 'indeterminate'];
    for (const record of records) expect(record.outcome).toBe(expected[Number(record.id.split('-')[1]) % 4]);
    expect(records.find((r) => r.id.endsWith('-4'))).toMatchObject({ status: 0, error: 'timeout after 200ms' });
    expect(samples.map((s) => s.writeId).sort()).toEqual(records.map((r) => r.id).sort());
    expect(samples.filter((s) => s.ok).every((s) => s.status === 201)).toBe(true);
  });

  it('replays the same read/write sequence for the same seed', async () => {
    const target = await server((_req, response) => respond(response, 201));
    const kinds = async (seed: number): Promise<string> => {
      const { engine, samples } = engineFor(target.url, spec({ rate: 500, reads: ['/a', '/b'], writes: '/orders', writeShare: 0.4 }), seed);
      await runFor(engine, 200);
      return samples.sort((a, b) => a.intendedMs - b.intendedMs).slice(0, 80).map((s) => s.kind[0]).join('');
    };
    const first = await kinds(9);
    expect(first).toHaveLength(80);
    expect(await kinds(9)).toBe(first);
    expect(await kinds(10)).not.toBe(first);
  });

  it('sends nothing at rate 0 until the rate is raised', async () => {
    const target = await server(ok);
    const { engine, samples } = engineFor(target.url, spec({ rate: 0 }));
    engine.start();
    await sleep(100);
    expect(engine.counters.sent).toBe(0);
    const raisedMs = performance.now();
    engine.setRate(200);
    await sleep(200);
    const elapsedMs = performance.now() - raisedMs;
    await engine.stop();
    expect(samples.length).toBeGreaterThanOrEqual(35);
    expect(samples.length).toBeLessThanOrEqual(Math.floor((elapsedMs * 200) / 1000) + 1);
    expect(Math.min(...samples.map((s) => s.intendedMs)) - raisedMs).toBeLessThan(5);
  });

  it('keeps sending when onSample throws, and reports it from stop() after cleaning up', async () => {
    const target = await server(ok);
    let calls = 0;
    const engine = new TrafficEngine({ baseUrl: target.url, spec: spec({ rate: 200 }), clock: () => performance.now(), random: new SeededRandom(1), idPrefix: 't', onSample: () => {
      calls++;
      throw new Error('reporter bug');
    } });
    engine.start();
    await sleep(100);
    await expect(engine.stop()).rejects.toThrow(/onSample callback threw/);
    expect(calls).toBeGreaterThan(10);
    expect(engine.counters.inFlight).toBe(0);
  });

  it('stops idempotently and leaves no timers or connections behind', async () => {
    const target = await server(ok);
    const { engine } = engineFor(target.url, spec({ rate: 300 }));
    const before = handleCounts();
    engine.start();
    await sleep(150);
    const stopping = engine.stop();
    expect(engine.stop()).toBe(stopping);
    await stopping;
    await engine.stop();
    expect(() => engine.start()).toThrow(/cannot be restarted/);
    await eventually(async () => (await target.connections()) === 0);
    for (const [kind, count] of Object.entries(handleCounts())) expect(count, kind).toBeLessThanOrEqual(before[kind] ?? 0);
    await target.close();
  });
});

function handleCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

async function eventually(condition: () => Promise<boolean>, ms = 1000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`condition not met within ${ms}ms`);
    await sleep(10);
  }
}
