import { connect } from 'node:net';
import { request } from 'undici';
import { expect } from 'vitest';
import { compareWithLkg, type LkgComparison } from '../../harness/checks/lkg-equality-check.ts';
import type { ObservedReplica, ResolvedRelease, StartedEnvironment } from '../../harness/drivers/driver.ts';

/** One answer as the traffic sees it: status, the release that answered (`x-drillbit-release`), body, time. */
export interface Answer {
  status: number;
  release?: string;
  body: string;
  ms: number;
}

export interface SendOptions {
  method?: 'GET' | 'POST';
  /** Sent as JSON. */
  body?: unknown;
  /** The request is abandoned (and the promise rejects) after this long. Default 5000. */
  timeoutMs?: number;
}

/** One request on its own connection, closed afterwards, so a pooled socket never hides a switch or a fault. */
export async function send(base: URL, path = '/products', options: SendOptions = {}): Promise<Answer> {
  const started = performance.now();
  const res = await request(new URL(path, base), {
    method: options.method ?? 'GET',
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    headers: options.body === undefined ? {} : { 'content-type': 'application/json' },
    reset: true,
    signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
  });
  const body = await res.body.text();
  const header = res.headers['x-drillbit-release'];
  return { status: res.statusCode, release: typeof header === 'string' ? header : undefined, body, ms: performance.now() - started };
}

/** The status, or `unreachable: <why>` when no HTTP answer came (refused, reset, timed out). */
export async function statusOf(base: URL, path = '/products', timeoutMs = 2000): Promise<number | string> {
  try {
    return (await send(base, path, { timeoutMs })).status;
  } catch (error) {
    return `unreachable: ${(error as Error).message}`;
  }
}

/** `n` requests, one after another. */
export async function sendMany(base: URL, path: string, n: number, options: SendOptions = {}): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let i = 0; i < n; i++) answers.push(await send(base, path, options));
  return answers;
}

/** Every one of `n` requests is answered 200 by `release`. */
export async function expectServes(base: URL, release: ResolvedRelease, path = '/products', n = 6): Promise<void> {
  const answers = await sendMany(base, path, n);
  expect(answers.map((a) => [a.status, a.release]), `${path} at ${base.href} answered by ${release.name}`).toEqual(Array.from({ length: n }, () => [200, release.digest]));
}

export function servingReplicas(observed: Awaited<ReturnType<StartedEnvironment['observe']>>, service: string): ObservedReplica[] {
  return (observed[service]?.replicas ?? []).filter((r) => r.serving);
}

/** observe() shows exactly `replicas` serving replicas, each healthy and on the release's digest (and config digest, where measured). */
export async function expectObservedOn(env: StartedEnvironment, service: string, release: ResolvedRelease, replicas: number): Promise<void> {
  const serving = servingReplicas(await env.observe(), service);
  const seen = serving.map((r) => ({ digest: r.digest, configDigest: r.configDigest ?? release.configDigest, healthy: r.healthy }));
  const wanted = { digest: release.digest, configDigest: release.configDigest, healthy: true };
  expect(seen, `serving replicas of ${service} on ${release.name}`).toEqual(Array.from({ length: replicas }, () => wanted));
}

/** LKG equality as the drill measures it (harness/checks/lkg-equality-check.ts), for the services given. */
export async function lkgComparison(env: StartedEnvironment, lkg: Record<string, ResolvedRelease>, replicas: Record<string, number>): Promise<Record<string, LkgComparison>> {
  return compareWithLkg(await env.observe(), new Map(Object.entries(lkg)), replicas);
}

/** True when every service given matches its LKG. */
export async function lkgEqual(env: StartedEnvironment, lkg: Record<string, ResolvedRelease>, replicas: Record<string, number>): Promise<boolean> {
  return Object.values(await lkgComparison(env, lkg, replicas)).every((c) => c.match);
}

export async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/** The fastest of `n` answers (a scheduling hiccup on a busy machine is not mistaken for a fault). */
export async function fastest(base: URL, path: string, n = 3): Promise<Answer> {
  const answers = await sendMany(base, path, n);
  return answers.reduce((best, a) => (a.ms < best.ms ? a : best));
}

/** What a TCP connect to the address meets: `open`, or the error code (`ECONNREFUSED` once nothing listens). */
export function connectOutcome(base: URL, timeoutMs = 1000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(Number(base.port), base.hostname);
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve('open');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}
