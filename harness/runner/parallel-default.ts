import { availableParallelism, loadavg } from 'node:os';

/**
 * Cores one example drill keeps busy on the local driver — the harness's share (traffic,
 * front proxy, observation) and the service's (replicas at 50–100 req/s, their boots) —
 * measured by `npm run bench -- --only parallel` ("machine cores per drill, alone").
 */
export const CORES_PER_DRILL = 0.5;

/**
 * Share of the machine the default fills. The rest is headroom: on a saturated machine the
 * service's processes wait for a CPU and the harness cannot tell that from the service
 * being slow (issue 13 §3), so the drills it runs would come out unknown.
 */
const UTILISATION = 0.7;

/** How many attempts run at once when `--parallel` is not given, and why. */
export interface ParallelChoice {
  parallel: number;
  /** `flag`: --parallel N; `default`: chosen from the cores and what else keeps them busy. */
  source: 'flag' | 'default';
  cores: number;
  /** The machine's 1-minute load average when the run began (others' work the drills share the cores with). */
  load?: number;
}

/**
 * `--parallel` as given, or as many drills as fit in the cores that are free now: 70% of
 * the cores, less what the load average says others use, at CORES_PER_DRILL each; at least one.
 */
export function chooseParallel(flag: number | undefined, cores = availableParallelism(), load = loadavg()[0] ?? 0): ParallelChoice {
  if (flag !== undefined) return { parallel: flag, source: 'flag', cores };
  const free = Math.min(cores * UTILISATION, Math.max(0, cores - load));
  return { parallel: Math.max(1, Math.floor(free / CORES_PER_DRILL)), source: 'default', cores, load: Math.round(load * 100) / 100 };
}

/** The run header's words for it: `parallel 2 (of 2 cores; --parallel to change)`. */
export function describeParallel(choice: ParallelChoice, attempts: number): string {
  const running = Math.max(1, Math.min(choice.parallel, attempts));
  const capped = running < choice.parallel ? `, ${running} for ${attempts} attempt${attempts === 1 ? '' : 's'}` : '';
  if (choice.source === 'flag') return `parallel ${choice.parallel}${capped}`;
  const busy = choice.load !== undefined && choice.load >= 0.5 ? `, load ${choice.load.toFixed(1)}` : '';
  return `parallel ${choice.parallel} (of ${choice.cores} core${choice.cores === 1 ? '' : 's'}${busy}; --parallel to change)${capped}`;
}
