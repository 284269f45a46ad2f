import { setTimeout as sleep } from 'node:timers/promises';
import { benchRate, type BenchStep } from '../traffic/traffic-bench.ts';
import { exitWithParent } from './bench-child.ts';
import { coresUsedDuring } from './process-cpu.ts';
import { searchSustainedRate } from './rate-search.ts';

export interface EngineStep extends BenchStep {
  sustained: boolean;
  /** Cores the service kept busy during the step. */
  serviceCores: number | undefined;
}

/** Sustained: steady throughput at least 99% of the target, at most 1% of arrivals dropped and at most 1% errors. */
export function sustained(step: BenchStep, durationMs: number): boolean {
  const arrivals = (step.rate * durationMs) / 1000;
  return step.steadyThroughput >= step.rate * 0.99 && step.dropped <= arrivals * 0.01 && step.errors <= arrivals * 0.01;
}

/**
 * `node bin/run-ts.mjs harness/bench/engine-rate-child.ts <url> <stepMs> <bisections> [servicePid]`:
 * the TrafficEngine (open model) in its own process, searching for the highest constant
 * arrival rate it sustains against `url`. Prints one JSON line per step, then the result.
 */
export async function main(args: string[]): Promise<number> {
  const release = exitWithParent();
  const [href, stepMs, bisections, pid] = args;
  const url = new URL(href!);
  const [origin, reads] = [new URL(url.origin), [url.pathname]];
  const durationMs = Number(stepMs);
  const servicePid = pid ? Number(pid) : undefined;
  await benchRate(origin, 1000, 1000, { reads }); // warm up the engine's JIT and the connection pool
  const tryRate = async (rate: number): Promise<EngineStep> => {
    await sleep(500); // let the service drain and collect garbage between steps
    const { value: step, cores } = await coresUsedDuring(servicePid, () => benchRate(origin, rate, durationMs, { reads }));
    const result = { ...step, sustained: sustained(step, durationMs), serviceCores: cores };
    console.log(JSON.stringify({ type: 'step', step: result }));
    return result;
  };
  // A rate fails only when two tries in a row fail: one hiccup of the shared machine is not the engine's limit.
  const probe = async (rate: number) => {
    const first = await tryRate(rate);
    return first.sustained ? first : tryRate(rate);
  };
  const search = await searchSustainedRate(probe, (s) => s.sustained, { startRate: 1000, factor: 1.5, bisections: Number(bisections), maxRate: 100_000, granularity: 50 });
  console.log(JSON.stringify({ type: 'result', best: search.best ?? null, failedAt: search.failedAt ?? null }));
  release();
  return 0;
}
