import { setTimeout as sleep } from 'node:timers/promises';
import { benchRate } from '../traffic/traffic-bench.ts';
import { exitWithParent } from './bench-child.ts';

export interface LatencyRound {
  target: string;
  rate: number;
  requests: number;
  errors: number;
  dropped: number;
  latencyP50Ms: number | undefined;
  latencyP99Ms: number | undefined;
}

/**
 * `node bin/run-ts.mjs harness/bench/fault-proxy-latency-child.ts <rate> <ms> <name=url>…`:
 * the TrafficEngine (open model, latency from each request's intended time) at a constant
 * rate against each target in turn, after a warm-up of each; prints one JSON line per target.
 */
export async function main(args: string[]): Promise<number> {
  const release = exitWithParent();
  const [rate, durationMs, ...targets] = args;
  const parsed = targets.map((t) => {
    const at = t.indexOf('=');
    return { name: t.slice(0, at), url: new URL(t.slice(at + 1)) };
  });
  for (const { url } of parsed) await benchRate(url, Number(rate), 500);
  for (const { name, url } of parsed) {
    await sleep(200);
    const step = await benchRate(url, Number(rate), Number(durationMs));
    const round: LatencyRound = {
      target: name,
      rate: Number(rate),
      requests: Math.round((step.achieved * Number(durationMs)) / 1000),
      errors: step.errors,
      dropped: step.dropped,
      latencyP50Ms: step.latencyP50Ms,
      latencyP99Ms: step.latencyP99Ms,
    };
    console.log(JSON.stringify(round));
  }
  release();
  return 0;
}
