import { join } from 'node:path';
import { benchRollbackSwitch } from '../drivers/local/rollback-switch-bench.ts';
import type { BenchSection, SectionOutcome } from './bench-section.ts';
import { round, spreadMetrics } from './stats.ts';

const TARGET_MS = 100;
const CLIENTS = 4;

/** Decision → first response from the warm LKG, on the sample shop's real bundles (2 replicas, blue/green). */
export const rollbackSwitchBench: BenchSection = {
  name: 'rollback-switch',
  title: 'Instant rollback to the warm LKG (sample shop v2 → v1)',
  async run(ctx) {
    const rounds = ctx.quick ? 8 : 20;
    ctx.progress(`${rounds} rounds: deploy v2, roll back to warm v1 under ${CLIENTS} looping clients`);
    const times = await benchRollbackSwitch({
      rounds,
      clients: CLIENTS,
      bundles: { lkg: join(ctx.root, 'fixtures/shop/v1'), candidate: join(ctx.root, 'fixtures/shop/v2') },
      path: '/products',
      signal: ctx.signal,
    });
    return {
      metrics: [
        ...spreadMetrics(times.firstLkgMs, { key: 'firstLkg', label: 'decision → first LKG response', unit: 'ms', target: { atMost: TARGET_MS } }),
        ...spreadMetrics(times.callMs, { key: 'call', label: 'rollback() call (health re-check + switch)', unit: 'ms', show: ['median', 'p90'] }),
      ],
      notes: [`${CLIENTS} keep-alive clients looping GET /products through the front proxy; 2 replicas per release`],
      details: { clients: CLIENTS, rounds: times.firstLkgMs.length, firstLkgMs: times.firstLkgMs.map((ms) => round(ms)), callMs: times.callMs.map((ms) => round(ms)) },
    } satisfies SectionOutcome;
  },
};
