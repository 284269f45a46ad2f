import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT } from '../../drivers/driver.ts';
import { resolveTargets } from '../fault-target-resolver.ts';
import type { FaultTarget, FaultType, Injected } from '../fault-type.ts';
import { bandwidthFault } from './bandwidth.ts';
import { latencyFault } from './latency.ts';
import { limitDataFault } from './limit-data.ts';
import { partitionFault } from './partition.ts';
import { resetPeerFault } from './reset-peer.ts';
import { slicerFault } from './slicer.ts';
import { slowCloseFault } from './slow-close.ts';
import { timeoutFault } from './timeout.ts';
import { get, startFaultEnv, type FaultTestEnv } from './test-support.ts';

// One environment for the file: `shop` (one fast replica) reached by the traffic through
// the client->shop fault proxy, and by a dependent (`front`, never deployed) through front->shop.
let t: FaultTestEnv;
const CLIENT_LINK: FaultTarget = { kind: 'link', from: CLIENT, to: 'shop' };
const BIG = 64 * 1024;
const bigBody = Buffer.alloc(BIG, 'drillbit-');
let injected: Injected[] = [];
let ids = 0;

beforeAll(async () => {
  t = await startFaultEnv({ links: [{ from: CLIENT, to: 'shop' }, { from: 'front', to: 'shop' }], otherServices: { front: { replicas: 1, strategy: 'blue-green', dependsOn: ['shop'] } } });
  const put = await fetch(new URL('/data/big', t.address), { method: 'PUT', body: bigBody });
  expect(put.status).toBe(200);
});

afterEach(async () => {
  // A failed assertion must not leave a toxic behind for the next test.
  for (const i of injected) await i.revert();
  injected = [];
});

afterAll(async () => expect(await t?.close()).toEqual([]));

/** Injects through the fault type, with a fresh FaultContext (own injection id), as the runner would. */
async function inject<P>(type: FaultType<P>, params: unknown, target: FaultTarget = CLIENT_LINK): Promise<Injected> {
  const parsed = type.params.parse(params);
  const ctx = t.context(`${type.name}-${++ids}`);
  expect(type.plan(target, parsed, ctx)).toEqual([{ kind: 'in-process', description: expect.any(String) }]);
  const done = await type.inject(target, parsed, ctx);
  injected.push(done);
  return done;
}

/**
 * Proves the link is back to normal: correct answers, and fast ones. The fastest of three
 * is judged, so a scheduling hiccup on a busy machine is not mistaken for a fault left behind.
 */
async function healthy(url = t.address): Promise<void> {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const answer = await get(url);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatch(/^v1 \d+$/);
    times.push(answer.ms);
  }
  expect(Math.min(...times)).toBeLessThan(100);
}

interface RawExchange {
  bytes: Buffer;
  chunks: number;
  /** Since the request was written: first byte, end of the response stream (FIN or close). */
  firstByteMs?: number;
  endMs: number;
  error?: string;
}

/** One HTTP/1.1 request on a raw socket, recording how the bytes and the end arrive (a FIN, a reset, a timeout). */
function rawExchange(url: URL, path: string, timeoutMs = 2000, connection = 'close'): Promise<RawExchange> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    const started = performance.now();
    let firstByteMs: number | undefined;
    const socket = connect(Number(url.port), url.hostname);
    const done = (error?: string) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ bytes: Buffer.concat(parts), chunks: parts.length, firstByteMs, endMs: performance.now() - started, error });
    };
    const timer = setTimeout(() => done('timeout'), timeoutMs);
    socket.on('connect', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: ${connection}\r\n\r\n`));
    socket.on('data', (data: Buffer) => {
      firstByteMs ??= performance.now() - started;
      parts.push(data);
    });
    socket.on('end', () => done());
    socket.on('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
  });
}

/** The fastest of two full downloads of the 64 KiB file, in ms. */
async function fastestBig(): Promise<number> {
  const runs = [await rawExchange(t.address, '/data/big'), await rawExchange(t.address, '/data/big')];
  for (const run of runs) expect(body(run).equals(bigBody)).toBe(true);
  return Math.min(...runs.map((r) => r.endMs));
}

const body = (raw: RawExchange) => raw.bytes.subarray(raw.bytes.indexOf('\r\n\r\n') + 4);

/** The shop's plain answer (`v1 <pid>`) is in the raw response (the front proxy may chunk it). */
const answersV1 = (raw: RawExchange) => /^HTTP\/1\.1 200 .*\r\n\r\n(?:[0-9a-f]+\r\n)?v1 \d+/s.test(raw.bytes.toString('latin1'));

/** The request neither answers nor fails before the client's own timeout (~400 ms). */
async function expectHang(request: () => Promise<unknown>): Promise<void> {
  const started = performance.now();
  await expect(request()).rejects.toThrow(/aborted|timeout/i);
  expect(performance.now() - started).toBeGreaterThanOrEqual(380);
}

describe('network faults on the client->shop link proxy', () => {
  it('the link proxy is what env.address reaches, and the link is fast without a fault', async () => {
    expect(t.address.host).toBe(t.linkAddress(CLIENT, 'shop').host);
    await healthy();
    const raw = await rawExchange(t.address, '/data/big');
    expect(raw.error).toBeUndefined();
    expect(body(raw).equals(bigBody)).toBe(true);
  });

  it('latency adds its delay to every request; the revert removes it', async () => {
    await healthy();
    const fault = await inject(latencyFault, { latency: 150 });
    expect(fault.detail).toContain('latency');
    for (let i = 0; i < 3; i++) {
      const slow = await get(t.address);
      expect(slow.status).toBe(200);
      expect(slow.ms).toBeGreaterThanOrEqual(145);
    }
    await fault.revert();
    await fault.revert();
    await healthy();
  });

  it('bandwidth slows a large response to its rate; the revert removes it', async () => {
    expect(await fastestBig()).toBeLessThan(150);
    const fault = await inject(bandwidthFault, { rate: 128 }); // 64 KiB at 128 KB/s ≈ 510 ms
    const slow = await rawExchange(t.address, '/data/big');
    expect(slow.error).toBeUndefined();
    expect(body(slow).equals(bigBody)).toBe(true);
    expect(slow.endMs).toBeGreaterThanOrEqual(400);
    await fault.revert();
    expect(await fastestBig()).toBeLessThan(150);
  });

  it('timeout 0 holds requests until the client gives up; after the revert they are answered', async () => {
    // Downstream (the default): the request is served, the answer never arrives; a keep-alive client waits.
    const fault = await inject(timeoutFault, { timeout: 0 });
    await expectHang(() => fetch(t.address, { signal: AbortSignal.timeout(400) }));
    const raw = await rawExchange(t.address, '/', 400, 'keep-alive');
    expect(raw).toMatchObject({ error: 'timeout', chunks: 0 });
    await fault.revert();
    await healthy();
    // Upstream: the request never arrives, so nothing comes back even when the server would close after answering.
    const upstream = await inject(timeoutFault, { timeout: 0, stream: 'upstream' });
    await expectHang(() => get(t.address, 400));
    await upstream.revert();
    await healthy();
  });

  it('reset-peer resets the connection (ECONNRESET); after the revert requests pass', async () => {
    const fault = await inject(resetPeerFault, { timeout: 0 });
    const raw = await rawExchange(t.address, '/');
    expect(raw.error).toBe('ECONNRESET');
    expect(raw.bytes.length).toBe(0);
    await expect(get(t.address)).rejects.toThrow();
    await fault.revert();
    await healthy();
  });

  it('slicer cuts the response into many small pieces, every byte still correct', async () => {
    const fault = await inject(slicerFault, { average_size: 512, size_variation: 128, delay: 2000 });
    const raw = await rawExchange(t.address, '/data/big', 10_000);
    expect(raw.error).toBeUndefined();
    expect(body(raw).equals(bigBody)).toBe(true);
    const plain = await get(t.address);
    expect(plain.body).toMatch(/^v1 \d+$/);
    // Unsliced, 64 KiB arrive in a handful of reads; sliced into ~512-byte pieces 2 ms apart, in over a hundred.
    expect(raw.chunks).toBeGreaterThan(80);
    await fault.revert();
    expect((await rawExchange(t.address, '/data/big')).chunks).toBeLessThan(30);
  });

  it('limit-data cuts the response after its bytes and closes; after the revert it is whole', async () => {
    const fault = await inject(limitDataFault, { bytes: 100 });
    const raw = await rawExchange(t.address, '/data/big');
    expect(raw.bytes.length).toBe(100);
    expect(raw.bytes.subarray(0, 12).toString()).toBe('HTTP/1.1 200');
    await expect(get(new URL('/data/big', t.address)).then((a) => a.body.length)).rejects.toThrow();
    await fault.revert();
    const whole = await rawExchange(t.address, '/data/big');
    expect(body(whole).equals(bigBody)).toBe(true);
  });

  it('slow-close passes the data at once but holds the close; the revert removes the hold', async () => {
    const fault = await inject(slowCloseFault, { delay: 500 });
    const raw = await rawExchange(t.address, '/');
    expect(raw.error).toBeUndefined();
    expect(answersV1(raw)).toBe(true);
    expect(raw.firstByteMs).toBeLessThan(150);
    expect(raw.endMs - raw.firstByteMs!).toBeGreaterThanOrEqual(450);
    await fault.revert();
    const quick = [await rawExchange(t.address, '/'), await rawExchange(t.address, '/')];
    expect(Math.min(...quick.map((q) => q.endMs))).toBeLessThan(150);
  });

  it('partition refuse: connections are refused at once; healed by the revert', async () => {
    const fault = await inject(partitionFault, { mode: 'refuse' });
    expect(fault.detail).toContain('partitioned (refuse)');
    const raw = await rawExchange(t.address, '/');
    expect(raw.error).toBe('ECONNREFUSED');
    expect(raw.endMs).toBeLessThan(300);
    const started = performance.now();
    await expect(get(t.address, 2000)).rejects.toThrow('fetch failed');
    expect(performance.now() - started).toBeLessThan(1000); // fails fast, long before the client's 2 s timeout
    await fault.revert();
    await healthy();
  });

  it('partition blackhole: connections open but nothing answers; healed by the revert', async () => {
    const fault = await inject(partitionFault, { mode: 'blackhole' });
    const raw = await rawExchange(t.address, '/', 400);
    expect(raw.error).toBe('timeout');
    expect(raw.bytes.length).toBe(0);
    await expectHang(() => get(t.address, 400));
    await fault.revert();
    await healthy();
  });

  it("stream 'both' acts on requests and responses, and its revert removes both toxics", async () => {
    const fault = await inject(latencyFault, { latency: 150, stream: 'both' });
    expect(fault.detail).toContain('(both, toxicity 1)');
    const slow = await get(t.address);
    expect(slow.ms).toBeGreaterThanOrEqual(295);
    await fault.revert();
    await healthy();
  });

  it('toxicity 0 has no effect at all, over many requests', async () => {
    await inject(latencyFault, { latency: 300, toxicity: 0 });
    await inject(resetPeerFault, { timeout: 0, toxicity: 0, stream: 'both' });
    await inject(limitDataFault, { bytes: 10, toxicity: 0 });
    await inject(timeoutFault, { timeout: 0, toxicity: 0, stream: 'upstream' });
    for (let i = 0; i < 10; i++) await healthy();
    const raw = await rawExchange(t.address, '/data/big');
    expect(body(raw).equals(bigBody)).toBe(true);
  });
});

describe('inbound targeting', () => {
  it("a service's inbound target resolves to each of its links, and a fault there acts on all of them", async () => {
    const front = t.linkAddress('front', 'shop');
    await healthy(front);
    const targets = resolveTargets({ kind: 'inbound', service: 'shop' }, t.env, 'latency');
    expect(targets).toHaveLength(2);
    expect(targets).toEqual(expect.arrayContaining([CLIENT_LINK, { kind: 'link', from: 'front', to: 'shop' }]));
    const faults = [];
    for (const target of targets) faults.push(await inject(partitionFault, { mode: 'refuse' }, target));
    for (const url of [t.address, front]) expect((await rawExchange(url, '/')).error).toBe('ECONNREFUSED');
    for (const fault of faults) await fault.revert();
    await healthy();
    await healthy(front);
  });

  it('a fault on one link leaves the other link alone', async () => {
    const fault = await inject(latencyFault, { latency: 200 }, { kind: 'link', from: 'front', to: 'shop' });
    expect((await get(t.linkAddress('front', 'shop'))).ms).toBeGreaterThanOrEqual(195);
    await healthy();
    await fault.revert();
  });

  it('an inbound target with no link, and a link without a proxy, are refused clearly', async () => {
    expect(() => resolveTargets({ kind: 'inbound', service: 'front' }, t.env, 'latency')).toThrow(/nothing reaches front through a fault proxy/);
    const ctx = t.context('no-link');
    await expect(latencyFault.inject({ kind: 'link', from: 'shop', to: 'front' }, latencyFault.params.parse({ latency: 10 }), ctx)).rejects.toThrow(/no fault proxy on shop->front/);
  });
});
