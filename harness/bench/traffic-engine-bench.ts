import type { BenchContext, BenchMetric, BenchSection, SectionOutcome } from './bench-section.ts';
import type { AutocannonRound } from './autocannon-child.ts';
import { runBenchChild } from './bench-child.ts';
import type { EngineStep } from './engine-rate-child.ts';
import { startShopReplica } from './shop-replica.ts';
import { median, round } from './stats.ts';

const CONNECTIONS = 64;
const PATH = '/products';

interface Plan {
  warmUpSeconds: number;
  /** autocannon rounds before and after the engine's search, so a drift of the shared machine hits both peers. */
  autocannonRounds: { before: number; after: number };
  autocannonSeconds: number;
  engineStepMs: number;
  bisections: number;
}

/**
 * Our open-model TrafficEngine against autocannon (closed model, 64 connections), both in
 * their own process, against the same single replica of the sample shop.
 */
export const trafficEngineBench: BenchSection = {
  name: 'traffic-engine',
  title: 'TrafficEngine vs autocannon on one sample-shop replica (GET /products)',
  async run(ctx) {
    const plan: Plan = ctx.quick
      ? { warmUpSeconds: 1, autocannonRounds: { before: 1, after: 0 }, autocannonSeconds: 3, engineStepMs: 2000, bisections: 1 }
      : { warmUpSeconds: 3, autocannonRounds: { before: 2, after: 2 }, autocannonSeconds: 4, engineStepMs: 3000, bisections: 2 };
    const shop = await startShopReplica(ctx.root);
    try {
      const url = `${shop.url}${PATH}`;
      const autocannon = new AutocannonRounds(ctx, url, shop.pid, plan);
      await autocannon.warmUp();
      await autocannon.run(plan.autocannonRounds.before);
      const engine = await runEngineSearch(ctx, url, shop.pid, plan);
      await autocannon.run(plan.autocannonRounds.after);
      return outcome(autocannon.rounds, engine, plan);
    } finally {
      await shop.stop();
    }
  },
};

class AutocannonRounds {
  readonly rounds: AutocannonRound[] = [];

  constructor(
    private readonly ctx: BenchContext,
    private readonly url: string,
    private readonly pid: number,
    private readonly plan: Plan,
  ) {}

  /** The service's JIT warms up here; not measured. */
  async warmUp(): Promise<void> {
    await this.once(this.plan.warmUpSeconds);
  }

  async run(count: number): Promise<void> {
    const total = this.plan.autocannonRounds.before + this.plan.autocannonRounds.after;
    for (let i = 0; i < count && !this.ctx.signal.aborted; i++) {
      const r = await this.once(this.plan.autocannonSeconds);
      this.rounds.push(r);
      this.ctx.progress(`autocannon ${this.rounds.length}/${total}: ${r.rps} req/s, p50 ${r.latencyP50Ms} ms, p99 ${r.latencyP99Ms} ms, service ${r.serviceCores ?? '?'} cores`);
    }
  }

  private async once(seconds: number): Promise<AutocannonRound> {
    const args = [this.url, String(CONNECTIONS), String(seconds), String(this.pid)];
    const [round] = await runBenchChild(this.ctx.root, 'harness/bench/autocannon-child.ts', args, { signal: this.ctx.signal });
    if (!round) throw new Error('autocannon printed no result');
    return round as AutocannonRound;
  }
}

interface EngineSearch {
  steps: EngineStep[];
  best: { rate: number; probe: EngineStep } | null;
  failedAt: number | null;
}

async function runEngineSearch(ctx: BenchContext, url: string, pid: number, plan: Plan): Promise<EngineSearch> {
  const steps: EngineStep[] = [];
  const onLine = (line: unknown) => {
    const { type, step } = line as { type: string; step?: EngineStep };
    if (type !== 'step' || !step) return;
    steps.push(step);
    ctx.progress(`engine ${step.rate} req/s: ${step.sustained ? 'sustained' : 'not sustained'} (steady ${step.steadyThroughput}/s, dropped ${step.dropped}, errors ${step.errors}, p99 ${round(step.latencyP99Ms ?? NaN)} ms)`);
  };
  const lines = await runBenchChild(ctx.root, 'harness/bench/engine-rate-child.ts', [url, String(plan.engineStepMs), String(plan.bisections), String(pid)], { signal: ctx.signal, onLine });
  const result = lines.find((l) => (l as { type: string }).type === 'result') as Omit<EngineSearch, 'steps'> | undefined;
  return { steps, best: result?.best ?? null, failedAt: result?.failedAt ?? null };
}

function outcome(autocannon: AutocannonRound[], engine: EngineSearch, plan: Plan): SectionOutcome {
  const rps = median(autocannon.map((r) => r.rps));
  const best = engine.best?.probe;
  const ratio = best && rps ? round(best.rate / rps, 2) : null;
  const r = (v: number | null | undefined, digits = 1) => (v === null || v === undefined ? null : round(v, digits));
  const ac = (pick: (a: AutocannonRound) => number | undefined, digits = 1) => r(median(autocannon.flatMap((a) => pick(a) ?? [])), digits);
  const acStat = `median of ${autocannon.length} × ${plan.autocannonSeconds}s`;
  const engineStat = `highest sustained, ${plan.engineStepMs / 1000}s steps`;
  const metrics: BenchMetric[] = [
    { key: 'engine.sustainedRate', label: 'engine: highest sustained arrival rate', value: engine.best?.rate ?? null, unit: 'req/s', stat: engineStat },
    { key: 'autocannon.rps', label: `autocannon: throughput (${CONNECTIONS} connections)`, value: r(rps, 0), unit: 'req/s', stat: acStat },
    { key: 'autocannon.rpsMin', label: 'autocannon: throughput, slowest round', value: autocannon.length ? Math.min(...autocannon.map((a) => a.rps)) : null, unit: 'req/s', stat: `min of ${autocannon.length}` },
    { key: 'autocannon.rpsMax', label: 'autocannon: throughput, fastest round', value: autocannon.length ? Math.max(...autocannon.map((a) => a.rps)) : null, unit: 'req/s', stat: `max of ${autocannon.length}` },
    { key: 'ratio', label: 'engine / autocannon', value: ratio, unit: 'ratio', stat: 'same run' },
    { key: 'engine.latencyP50', label: 'engine: p50 latency at that rate (from intended time)', value: r(best?.latencyP50Ms, 2), unit: 'ms', stat: engineStat },
    { key: 'engine.latencyP99', label: 'engine: p99 latency at that rate', value: r(best?.latencyP99Ms, 2), unit: 'ms', stat: engineStat },
    { key: 'autocannon.latencyP50', label: 'autocannon: p50 latency at saturation', value: ac((a) => a.latencyP50Ms), unit: 'ms', stat: acStat },
    { key: 'autocannon.latencyP99', label: 'autocannon: p99 latency at saturation', value: ac((a) => a.latencyP99Ms), unit: 'ms', stat: acStat },
    { key: 'engine.sendLagP99', label: 'engine: send lag p99 (its own lateness vs intended time)', value: r(best?.lagP99Ms, 2), unit: 'ms', stat: engineStat },
    { key: 'engine.cpuPerRequest', label: 'engine: CPU per request', value: r(best?.cpuUsPerRequest), unit: 'µs', stat: engineStat },
    { key: 'autocannon.cpuPerRequest', label: 'autocannon: CPU per request', value: ac((a) => a.cpuUsPerRequest), unit: 'µs', stat: acStat },
    { key: 'engine.cores', label: 'engine: cores used at that rate', value: best ? r((best.cpuUsPerRequest * best.achieved) / 1e6, 2) : null, unit: 'core', stat: engineStat },
    { key: 'service.coresUnderEngine', label: 'service: cores used under the engine', value: r(best?.serviceCores, 2), unit: 'core', stat: engineStat },
    { key: 'service.coresUnderAutocannon', label: 'service: cores used under autocannon', value: ac((a) => a.serviceCores, 2), unit: 'core', stat: acStat },
  ];
  return { metrics, notes: notes(ratio, best, autocannon, engine), details: { connections: CONNECTIONS, path: PATH, plan, autocannon, engine } };
}

function notes(ratio: number | null, best: EngineStep | undefined, autocannon: AutocannonRound[], engine: EngineSearch): string[] {
  const lines = [
    'engine in its own child process (like autocannon); sustained = steady throughput ≥ 99% of the target, ≤ 1% dropped, ≤ 1% errors, in one of two tries',
    'latencies differ in kind: the engine counts from each request\'s intended time at a rate it sustains; autocannon is closed-loop at saturation, so its latency is mostly queueing',
  ];
  const serviceCores = median(autocannon.flatMap((a) => a.serviceCores ?? []));
  const saturated = serviceCores !== null ? ` (the single-threaded shop used ${round(serviceCores, 2)} of a core under autocannon)` : '';
  if (ratio !== null && ratio >= 0.85 && ratio <= 1.15) lines.push(`ratio ${ratio}: near 1, so the service is the likely bottleneck, not either load generator${saturated}`);
  if (ratio !== null && ratio > 1.15) lines.push(`ratio ${ratio}: the engine sustained more than autocannon's closed loop got through; both are bounded by the service${saturated}, and the rest is this shared machine's noise (see autocannon's min and max)`);
  const firstFailure = engine.steps.findLast((s) => s.rate === engine.failedAt);
  if (firstFailure) lines.push(limitAt(firstFailure));
  if (!best) lines.push(`the engine sustained no rate it tried (first failure at ${engine.failedAt ?? '?'} req/s)`);
  if (autocannon.some((a) => a.errors || a.non2xx)) lines.push('autocannon saw errors or non-2xx responses; see details');
  return lines;
}

/** What ran out at the first rate the engine did not sustain: the service's core, the engine's, or neither (the shared machine). */
function limitAt(step: EngineStep): string {
  const engineCores = round((step.cpuUsPerRequest * step.achieved) / 1e6, 2);
  const serviceBusy = step.serviceCores !== undefined && step.serviceCores >= 0.9;
  const engineBusy = engineCores >= 0.9;
  const verdict = serviceBusy && engineBusy ? 'both the service and the engine were near a full core each, on a 2-core machine'
    : serviceBusy ? 'the service was saturated'
    : engineBusy ? 'the engine\'s own core was saturated'
    : 'neither was saturated, so the shared machine was the limit';
  return `at ${step.rate} req/s (first rate not sustained) the service used ${step.serviceCores ?? 'unknown'} core and the engine ${engineCores} core, send lag p99 ${round(step.lagP99Ms ?? NaN, 1)} ms: ${verdict}`;
}
