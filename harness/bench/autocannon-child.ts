import autocannon from 'autocannon';
import { exitWithParent } from './bench-child.ts';
import { coresUsedDuring } from './process-cpu.ts';

export interface AutocannonRound {
  /** autocannon's "Req/Sec" average over its one-second samples. */
  rps: number;
  requests: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  errors: number;
  non2xx: number;
  /** CPU of this (autocannon's) process per completed request. */
  cpuUsPerRequest: number;
  /** Cores the service kept busy meanwhile. */
  serviceCores: number | undefined;
}

/**
 * `node bin/run-ts.mjs harness/bench/autocannon-child.ts <url> <connections> <seconds> [servicePid]`:
 * one closed-model autocannon run, in its own process; prints one JSON line.
 */
export async function main(args: string[]): Promise<number> {
  const release = exitWithParent();
  const [url, connections, seconds, pid] = args;
  const cpuBefore = process.cpuUsage();
  const { value: result, cores } = await coresUsedDuring(pid ? Number(pid) : undefined, () => autocannon({ url: url!, connections: Number(connections), duration: Number(seconds) }));
  const cpu = process.cpuUsage(cpuBefore);
  const round: AutocannonRound = {
    rps: Math.round(result.requests.average),
    requests: result.requests.total,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
    cpuUsPerRequest: Math.round(((cpu.user + cpu.system) / Math.max(1, result.requests.total)) * 10) / 10,
    serviceCores: cores,
  };
  console.log(JSON.stringify(round));
  release();
  return 0;
}
