import type { AutocannonRound } from './autocannon-child.ts';
import type { BenchMetric, SectionOutcome } from './bench-section.ts';
import type { LatencyRound } from './fault-proxy-latency-child.ts';
import { haproxyVersion } from './fault-proxy-targets.ts';
import { median, round } from './stats.ts';

/** autocannon's connections for throughput. */
export const CONNECTIONS = 64;
/** The engine's arrival rate for added latency. */
export const LATENCY_RATE = 1000;
/** The engine's arrival rate for the latency toxic's accuracy. */
export const TOXIC_RATE = 200;

export type TargetName = 'direct' | 'drillbit' | 'haproxy';

export interface ProxyBenchPlan {
  throughputRounds: number;
  autocannonSeconds: number;
  latencyRounds: number;
  latencyMs: number;
}

export interface ToxicRound {
  configuredMs: number;
  baseP50Ms: number | undefined;
  p50Ms: number | undefined;
  p99Ms: number | undefined;
  errors: number;
}

export interface ProxyBenchResults {
  /** Autocannon rounds per service, per target. */
  throughput: Record<'shop' | 'ok', Record<string, AutocannonRound[]>>;
  latency: LatencyRound[];
  toxic: ToxicRound[];
  plan: ProxyBenchPlan;
  haproxyMissing: string | undefined;
}

const r = (v: number | null, digits = 0) => (v === null ? null : round(v, digits));
const ratio = (a: number | null, b: number | null) => (a !== null && b ? round(a / b, 2) : null);
const diff = (a: number | null, b: number | null, digits = 3) => (a !== null && b !== null ? round(a - b, digits) : null);

/** The section's metrics: the targets (≥ 0.70 of direct throughput on the sample shop, ≤ 0.3 ms added p50, toxic within ±2 ms), then the rest. */
export function faultProxyOutcome(m: ProxyBenchResults): SectionOutcome {
  const acStat = (service: 'shop' | 'ok') => `median of ${Object.values(m.throughput[service])[0]?.length ?? 0} × ${m.plan.autocannonSeconds}s`;
  const latStat = `median of ${m.plan.latencyRounds} × ${m.plan.latencyMs / 1000}s at ${LATENCY_RATE}/s`;
  const haproxyNote = m.haproxyMissing ? ' — haproxy not installed' : '';
  const throughput = (service: 'shop' | 'ok', label: string, target?: BenchMetric['target']): BenchMetric[] => {
    const rps = (t: TargetName) => median((m.throughput[service][t] ?? []).map((a) => a.rps));
    const cores = (t: TargetName) => median((m.throughput[service][t] ?? []).flatMap((a) => a.serviceCores ?? []));
    const [direct, drillbit, haproxy] = [rps('direct'), rps('drillbit'), rps('haproxy')];
    return [
      { key: `${service}.ratio.drillbit`, label: `${label}: drillbit proxy / direct throughput`, value: ratio(drillbit, direct), unit: 'ratio', stat: 'same run', ...(target && { target }) },
      { key: `${service}.ratio.haproxy`, label: `${label}: haproxy / direct throughput${haproxyNote}`, value: ratio(haproxy, direct), unit: 'ratio', stat: 'same run' },
      { key: `${service}.rps.direct`, label: `${label}: direct throughput (${CONNECTIONS} connections)`, value: r(direct), unit: 'req/s', stat: acStat(service) },
      { key: `${service}.rps.drillbit`, label: `${label}: through the drillbit proxy, no toxic`, value: r(drillbit), unit: 'req/s', stat: acStat(service) },
      { key: `${service}.rps.haproxy`, label: `${label}: through haproxy (TCP, 1 thread)${haproxyNote}`, value: r(haproxy), unit: 'req/s', stat: acStat(service) },
      { key: `${service}.cores.drillbit`, label: `${label}: drillbit proxy's cores under that load`, value: r(cores('drillbit'), 2), unit: 'core', stat: acStat(service) },
      { key: `${service}.cores.haproxy`, label: `${label}: haproxy's cores under that load`, value: r(cores('haproxy'), 2), unit: 'core', stat: acStat(service) },
    ];
  };
  const latency = (t: TargetName, pick: (l: LatencyRound) => number | undefined) => median(m.latency.filter((l) => l.target === t).flatMap((l) => pick(l) ?? []));
  const p50 = (t: TargetName) => latency(t, (l) => l.latencyP50Ms);
  const p99 = (t: TargetName) => latency(t, (l) => l.latencyP99Ms);
  const metrics: BenchMetric[] = [
    ...throughput('shop', 'sample shop GET /products', { atLeast: 0.7 }),
    { key: 'added.drillbit.p50', label: 'drillbit proxy: added p50 latency', value: diff(p50('drillbit'), p50('direct')), unit: 'ms', stat: latStat, target: { atMost: 0.3 } },
    ...m.toxic.map((t): BenchMetric => ({
      key: `toxic.latency${t.configuredMs}.addedP50`,
      label: `latency toxic ${t.configuredMs} ms: measured added p50`,
      value: diff(t.p50Ms ?? null, t.baseP50Ms ?? null, 2),
      unit: 'ms',
      stat: `${m.plan.latencyMs / 1000}s at ${TOXIC_RATE}/s, vs the proxy without it`,
      target: { atLeast: t.configuredMs - 2, atMost: t.configuredMs + 2 },
    })),
    { key: 'added.drillbit.p99', label: 'drillbit proxy: added p99 latency', value: diff(p99('drillbit'), p99('direct')), unit: 'ms', stat: latStat },
    { key: 'added.haproxy.p50', label: `haproxy: added p50 latency${haproxyNote}`, value: diff(p50('haproxy'), p50('direct')), unit: 'ms', stat: latStat },
    { key: 'added.haproxy.p99', label: `haproxy: added p99 latency${haproxyNote}`, value: diff(p99('haproxy'), p99('direct')), unit: 'ms', stat: latStat },
    ...(['direct', 'drillbit', 'haproxy'] as const).flatMap((t): BenchMetric[] => [
      { key: `latency.${t}.p50`, label: `trivial server, ${t}: p50 latency`, value: r(p50(t), 3), unit: 'ms', stat: latStat },
      { key: `latency.${t}.p99`, label: `trivial server, ${t}: p99 latency`, value: r(p99(t), 3), unit: 'ms', stat: latStat },
    ]),
    ...throughput('ok', 'trivial server GET /'),
  ];
  return {
    metrics,
    notes: notes(m),
    details: { connections: CONNECTIONS, latencyRate: LATENCY_RATE, toxicRate: TOXIC_RATE, plan: m.plan, haproxy: m.haproxyMissing ?? haproxyVersion(), throughput: m.throughput, latency: m.latency, toxic: m.toxic },
  };
}

function notes(m: ProxyBenchResults): string[] {
  const lines = [
    'services, `drillbit proxy`, haproxy and autocannon each run in their own process on 2 cores: a proxy\'s CPU (mostly the kernel\'s loopback TCP work, for haproxy as for Node) comes out of the cores the generator and the service use, so it shows as lost throughput. The sample shop (real work per request) is the realistic case and the target row; the trivial server, which does no work, is the worst case',
    'haproxy: TCP mode, `nbthread 1` (the Node proxy has one event loop). Cores are the proxy process\'s own (user + system, from /proc)',
    `latency: TrafficEngine (open model, from each request's intended time) at ${LATENCY_RATE} req/s against the trivial server; added = through the proxy − direct, medians over rounds`,
    `latency toxic: stream downstream, added through the admin API; added p50 = p50 with the toxic − p50 of the same proxy without it, both at ${TOXIC_RATE} req/s`,
  ];
  const okRatio = (t: TargetName) => ratio(median((m.throughput.ok[t] ?? []).map((a) => a.rps)), median((m.throughput.ok.direct ?? []).map((a) => a.rps)));
  const [drillbit, haproxy] = [okRatio('drillbit'), okRatio('haproxy')];
  if (drillbit !== null && haproxy !== null) lines.push(`trivial server: the drillbit proxy kept ${drillbit} of direct throughput, haproxy ${haproxy} (same run)`);
  if (m.haproxyMissing) lines.push(`haproxy rows empty: ${m.haproxyMissing}`);
  const rounds = [...Object.values(m.throughput.shop), ...Object.values(m.throughput.ok)].flat();
  if (rounds.some((a) => a.errors || a.non2xx)) lines.push('autocannon saw errors or non-2xx responses; see details');
  if (m.latency.some((l) => l.errors || l.dropped) || m.toxic.some((t) => t.errors)) lines.push('the engine saw errors or dropped arrivals; see details');
  return lines;
}
