import type { AutocannonRound } from './autocannon-child.ts';
import type { BenchContext, BenchSection } from './bench-section.ts';
import { runBenchChild } from './bench-child.ts';
import type { LatencyRound } from './fault-proxy-latency-child.ts';
import { CONNECTIONS, faultProxyOutcome, LATENCY_RATE, TOXIC_RATE, type ProxyBenchPlan, type TargetName, type ToxicRound } from './fault-proxy-report.ts';
import { haproxyUnavailable, startDrillbitProxy, startHaproxy, type ProxyProcess } from './fault-proxy-targets.ts';
import { startShopReplica } from './shop-replica.ts';
import { round } from './stats.ts';
import { startChildHttpServer } from '../traffic/child-http-server.ts';

const TOXIC_LATENCIES_MS = [50, 200];

/** The two services behind the proxies: the sample shop (real work per request) and a trivial "ok" server (the worst case for a proxy). */
type ServiceName = 'shop' | 'ok';
const PATHS: Record<ServiceName, string> = { shop: '/products', ok: '/' };

interface Target {
  name: TargetName;
  url: string;
  /** The process whose cores are measured under load (the proxy's; the service's when direct). */
  pid?: number;
}

/**
 * The fault proxy's cost on loopback: throughput (autocannon, 64 connections) and added
 * latency (TrafficEngine at a constant rate) for a service direct, through `drillbit proxy`
 * with no toxic, and through haproxy in TCP mode; then how exactly a latency toxic adds
 * what it is configured to. Services and proxies each run in their own process.
 */
export const faultProxyBench: BenchSection = {
  name: 'fault-proxy',
  title: 'Fault proxy: throughput and added latency vs direct and haproxy (TCP), latency toxic accuracy',
  async run(ctx) {
    const plan: ProxyBenchPlan = ctx.quick
      ? { throughputRounds: 1, autocannonSeconds: 2, latencyRounds: 1, latencyMs: 2000 }
      : { throughputRounds: 3, autocannonSeconds: 3, latencyRounds: 2, latencyMs: 3000 };
    const stops: (() => Promise<void>)[] = [];
    try {
      const shop = await startShopReplica(ctx.root);
      stops.push(() => shop.stop());
      const ok = await startChildHttpServer();
      stops.push(() => ok.stop());
      const upstreams = { shop: Number(new URL(shop.url).port), ok: Number(ok.url.port) };
      const drillbit = await startDrillbitProxy(ctx.root, upstreams);
      stops.push(() => drillbit.stop());
      const haproxyMissing = haproxyUnavailable();
      const haproxy = haproxyMissing ? undefined : await startHaproxy(upstreams);
      if (haproxy) stops.push(() => haproxy.stop());
      const targets = (service: ServiceName, direct: Target): Target[] => [
        direct,
        { name: 'drillbit', url: drillbit.urls[service]!, pid: drillbit.pid },
        ...(haproxy ? [proxied('haproxy', haproxy, service)] : []),
      ];
      const shopTargets = targets('shop', { name: 'direct', url: shop.url, pid: shop.pid });
      const okTargets = targets('ok', { name: 'direct', url: ok.url.origin });
      const throughput = {
        shop: await throughputRounds(ctx, shopTargets, PATHS.shop, plan),
        ok: await throughputRounds(ctx, okTargets, PATHS.ok, { ...plan, throughputRounds: Math.max(1, plan.throughputRounds - 1) }),
      };
      const latency = await latencyRounds(ctx, okTargets, plan);
      const toxic = await toxicAccuracy(ctx, drillbit.urls.ok!, `${drillbit.admin}/proxies/ok`, plan);
      return faultProxyOutcome({ throughput, latency, toxic, plan, haproxyMissing });
    } finally {
      for (const stop of stops.reverse()) await stop();
    }
  },
};

function proxied(name: TargetName, process: ProxyProcess, service: ServiceName): Target {
  return { name, url: process.urls[service]!, pid: process.pid };
}

/** Target i's rounds; the order turns each round, so neither a drift of the shared machine nor going first favours a target. */
async function throughputRounds(ctx: BenchContext, targets: Target[], path: string, plan: ProxyBenchPlan): Promise<Record<string, AutocannonRound[]>> {
  const rounds: Record<string, AutocannonRound[]> = Object.fromEntries(targets.map((t) => [t.name, []]));
  const once = async (target: Target, seconds: number) => {
    const args = [`${target.url}${path}`, String(CONNECTIONS), String(seconds), ...(target.pid ? [String(target.pid)] : [])];
    const [result] = await runBenchChild(ctx.root, 'harness/bench/autocannon-child.ts', args, { signal: ctx.signal });
    if (!result) throw new Error('autocannon printed no result');
    return result as AutocannonRound;
  };
  for (const target of targets) await once(target, 1); // warm-up: the JIT of the service and of the proxies
  for (let r = 0; r < plan.throughputRounds && !ctx.signal.aborted; r++) {
    for (const target of rotate(targets, r)) {
      const result = await once(target, plan.autocannonSeconds);
      rounds[target.name]!.push(result);
      ctx.progress(`throughput ${target.name} ${target.url}${path} ${r + 1}/${plan.throughputRounds}: ${result.rps} req/s, ${target.pid ? `${result.serviceCores ?? '?'} cores` : ''}`);
    }
  }
  return rounds;
}

async function latencyRounds(ctx: BenchContext, targets: Target[], plan: ProxyBenchPlan): Promise<LatencyRound[]> {
  const all: LatencyRound[] = [];
  for (let r = 0; r < plan.latencyRounds && !ctx.signal.aborted; r++) {
    const lines = await runLatencyChild(ctx, LATENCY_RATE, plan.latencyMs, rotate(targets, r));
    for (const line of lines) ctx.progress(`latency ${line.target} at ${line.rate}/s: p50 ${round(line.latencyP50Ms ?? NaN, 3)} ms, p99 ${round(line.latencyP99Ms ?? NaN, 3)} ms`);
    all.push(...lines);
  }
  return all;
}

/** A latency toxic (downstream) on the Drillbit proxy, through its admin API: added p50 against the same proxy without it, at the same rate. */
async function toxicAccuracy(ctx: BenchContext, url: string, proxyAdmin: string, plan: ProxyBenchPlan): Promise<ToxicRound[]> {
  const target: Target = { name: 'drillbit', url };
  const results: ToxicRound[] = [];
  for (const configuredMs of TOXIC_LATENCIES_MS) {
    if (ctx.signal.aborted) break;
    const [base] = await runLatencyChild(ctx, TOXIC_RATE, plan.latencyMs, [target]);
    await api(proxyAdmin, 'POST', '/toxics', { name: 'bench_latency', type: 'latency', attributes: { latency: configuredMs } });
    try {
      const [withToxic] = await runLatencyChild(ctx, TOXIC_RATE, plan.latencyMs, [target]);
      const result = { configuredMs, baseP50Ms: base?.latencyP50Ms, p50Ms: withToxic?.latencyP50Ms, p99Ms: withToxic?.latencyP99Ms, errors: withToxic?.errors ?? 0 };
      ctx.progress(`latency toxic ${configuredMs} ms: p50 ${round(result.p50Ms ?? NaN, 3)} ms over a base of ${round(result.baseP50Ms ?? NaN, 3)} ms`);
      results.push(result);
    } finally {
      await api(proxyAdmin, 'DELETE', '/toxics/bench_latency');
    }
  }
  return results;
}

async function runLatencyChild(ctx: BenchContext, rate: number, ms: number, targets: Target[]): Promise<LatencyRound[]> {
  const args = [String(rate), String(ms), ...targets.map((t) => `${t.name}=${t.url}/`)];
  return (await runBenchChild(ctx.root, 'harness/bench/fault-proxy-latency-child.ts', args, { signal: ctx.signal })) as LatencyRound[];
}

async function api(base: string, method: string, path: string, body?: unknown): Promise<void> {
  const response = await fetch(`${base}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!response.ok) throw new Error(`${method} ${base}${path} answered ${response.status}: ${await response.text()}`);
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}
