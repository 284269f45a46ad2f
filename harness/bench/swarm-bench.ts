import { requireSwarmManager } from '../drivers/swarm/swarm-manager.ts';
import { SwarmDriver } from '../drivers/swarm/swarm-driver.ts';
import { measureSwarmRollback, type SwarmRollbackRound } from '../drivers/swarm/swarm-rollback-timings.ts';
import { DRILL_HEALTH_DEFAULTS } from '../drivers/swarm/update-settings.ts';
import { errorMessage } from '../errors.ts';
import type { BenchMetric, BenchSection, SectionOutcome } from './bench-section.ts';
import { median, round, spreadMetrics } from './stats.ts';

/**
 * The swarm driver on a real swarm: a failing candidate's first unhealthy task → every task
 * back on the LKG by Swarm's own rollback, with Drillbit's update/rollback defaults and with
 * Swarm's, in the same run (rounds alternate). Without a swarm manager the section says so.
 */
export const swarmBench: BenchSection = {
  name: 'swarm',
  title: "Swarm driver: a failing update rolled back by Swarm itself, Drillbit's defaults vs Swarm's",
  async run(ctx) {
    const probe = SwarmDriver.fromEnvironment(process.env);
    try {
      await requireSwarmManager(probe.engine);
    } catch (error) {
      return { metrics: [], notes: [`no swarm manager: nothing measured (${errorMessage(error)})`], details: null } satisfies SectionOutcome;
    }
    const rounds = ctx.quick ? 1 : 3;
    const results: Record<'drill' | 'swarm', SwarmRollbackRound[]> = { drill: [], swarm: [] };
    for (let i = 0; i < rounds && !ctx.signal.aborted; i++) {
      for (const which of i % 2 === 0 ? (['drill', 'swarm'] as const) : (['swarm', 'drill'] as const)) {
        ctx.progress(`round ${i + 1}/${rounds}: ${which === 'drill' ? "Drillbit's" : "Swarm's"} defaults`);
        results[which].push(await measureSwarmRollback(ctx.root, which === 'swarm'));
      }
    }
    const metrics: BenchMetric[] = [];
    for (const which of ['drill', 'swarm'] as const) {
      const label = which === 'drill' ? "Drillbit's defaults" : "Swarm's defaults";
      const pick = (k: keyof SwarmRollbackRound) => results[which].flatMap((r) => (r[k] === null ? [] : [r[k] as number]));
      metrics.push(
        ...spreadMetrics(pick('firstUnhealthyToLkgMs'), { key: `${which}.firstUnhealthyToLkg`, label: `${label}: first unhealthy task → every task on the LKG`, unit: 'ms', show: ['median', 'max'] }),
        ...spreadMetrics(pick('updateToLkgMs'), { key: `${which}.updateToLkg`, label: `${label}: failing update start → every task on the LKG`, unit: 'ms', show: ['median'] }),
        ...spreadMetrics(pick('goodUpdateMs'), { key: `${which}.goodUpdate`, label: `${label}: good update of 2 tasks → completed`, unit: 'ms', show: ['median'] }),
        ...spreadMetrics(pick('harnessRollbackMs'), { key: `${which}.harnessRollback`, label: `${label}: rollback() (rollback=previous) → both tasks on v1`, unit: 'ms', show: ['median'] }),
      );
    }
    const [drill, swarm] = [median(results.drill.map((r) => r.firstUnhealthyToLkgMs)), median(results.swarm.map((r) => r.firstUnhealthyToLkgMs))];
    metrics.push({ key: 'ratio', label: "first unhealthy → LKG: Drillbit's / Swarm's defaults (medians)", value: drill !== null && swarm ? round(drill / swarm, 2) : null, unit: 'ratio', stat: 'same run' });
    const notes = [
      "Swarm's defaults: update parallelism 1, delay 0, monitor 5 s, order stop-first; rollback parallelism 1, monitor 5 s, stop-first; restart delay 5 s; the failure action stays rollback (Swarm's default, pause, never rolls back)",
      `the health check is the same for both (Drillbit's: every ${DRILL_HEALTH_DEFAULTS.intervalMs} ms, ${DRILL_HEALTH_DEFAULTS.retries} retries, ${DRILL_HEALTH_DEFAULTS.startPeriodMs / 1000} s start period): Docker's default interval of 30 s would add minutes to both`,
      'shop with 2 replicas on a single-node swarm; the candidate (fixtures/shop/v2-unhealthy) answers 503 on /healthz',
    ];
    const paused = Object.entries(results).flatMap(([which, rs]) => rs.filter((r) => r.harnessRollbackMs === null).map(() => which));
    if (paused.length) notes.push(`rollback() paused by Swarm (its rollback failure action) in ${paused.length} round(s) (${paused.join(', ')}): left out of that row`);
    return { metrics, notes, details: { rounds, results } } satisfies SectionOutcome;
  },
};
