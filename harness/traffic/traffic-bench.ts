import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { trafficSchema } from '../scenario/schema.ts';
import { SeededRandom } from '../util/seeded-random.ts';
import { startChildHttpServer } from './child-http-server.ts';
import { LatencyHistogram } from './histogram.ts';
import { TrafficEngine } from './traffic-engine.ts';

export interface BenchStep {
  rate: number;
  /** Completed requests per second of the run. */
  achieved: number;
  /**
   * Requests completed per second while arrivals ran, ramp-up (the first quarter, at most
   * 500 ms) left out: unlike `achieved`, a backlog drained after the run does not count, so
   * a rate beyond the target's capacity shows; latency shifts both ends alike, so it does not.
   */
  steadyThroughput: number;
  dropped: number;
  errors: number;
  /** How late requests left, against their intended time (the engine's own lag). */
  lagP99Ms: number | undefined;
  latencyP50Ms: number | undefined;
  latencyP99Ms: number | undefined;
  /** CPU time (user + system) of this process per completed request: 1e6 / this is a one-core ceiling. */
  cpuUsPerRequest: number;
}

export interface BenchRateOptions {
  /** Read paths, appended to the URL's path. Default ["/"]. */
  reads?: string[];
}

/** Drives a server (by default the trivial child-process one) at one rate and reports what the engine sustained. */
export async function benchRate(url: URL, rate: number, durationMs: number, options: BenchRateOptions = {}): Promise<BenchStep> {
  const lag = new LatencyHistogram();
  const latency = new LatencyHistogram();
  let errors = 0;
  let completedSteady = 0;
  let steadyFromMs = Infinity;
  let windowEndMs = Infinity;
  // A deep in-flight limit, so a scheduling hiccup of this shared machine is not counted as the engine's limit.
  const spec = trafficSchema.parse({ target: 'bench', rate, maxInFlight: 1024, ...(options.reads && { reads: options.reads }) });
  const engine = new TrafficEngine({
    baseUrl: url,
    spec,
    clock: () => performance.now(),
    random: new SeededRandom(1),
    idPrefix: 'bench',
    onSample: (s) => {
      lag.record(s.sentMs - s.intendedMs);
      latency.record(s.latencyMs);
      if (!s.ok) errors++;
      if (s.doneMs >= steadyFromMs && s.doneMs <= windowEndMs) completedSteady++;
    },
  });
  const cpuBefore = process.cpuUsage();
  steadyFromMs = performance.now() + Math.min(500, durationMs / 4);
  engine.start();
  await sleep(durationMs);
  windowEndMs = performance.now();
  await engine.stop();
  const cpu = process.cpuUsage(cpuBefore);
  const { completed, dropped } = engine.counters;
  return {
    rate,
    achieved: Math.round((completed / durationMs) * 1000),
    steadyThroughput: Math.round((completedSteady / (windowEndMs - steadyFromMs)) * 1000),
    dropped,
    errors,
    lagP99Ms: lag.percentile(99),
    latencyP50Ms: latency.percentile(50),
    latencyP99Ms: latency.percentile(99),
    cpuUsPerRequest: Math.round(((cpu.user + cpu.system) / Math.max(1, completed)) * 10) / 10,
  };
}

/**
 * `node bin/run-ts.mjs harness/traffic/traffic-bench.ts [seconds] [rate…]`: the engine's
 * sustainable rate on this machine against a trivial local server. A rate is sustained
 * when nothing is dropped and at least 99% of arrivals complete.
 */
export async function main(args: string[]): Promise<number> {
  const seconds = Number(args[0] ?? 3);
  const rates = args.length > 1 ? args.slice(1).map(Number) : [1000, 2000, 4000, 6000, 8000, 10000, 12000];
  const server = await startChildHttpServer();
  try {
    await benchRate(server.url, 1000, 1000); // warm up both processes' JIT and the connection pool
    for (const rate of rates) {
      const step = await benchRate(server.url, rate, seconds * 1000);
      const sustained = step.dropped === 0 && step.achieved >= rate * 0.99;
      console.log(JSON.stringify({ ...step, sustained }));
      await sleep(500);
    }
  } finally {
    await server.stop();
  }
  return 0;
}
