import { join } from 'node:path';
import { deploy, expectRollback, steady, verifyRestored } from '../scenario/dsl.ts';
import type { ScenarioInput } from '../scenario/schema.ts';
import type { LoadedScenario } from '../scenario/scenario-loader.ts';
import { validateScenario } from '../scenario/scenario-validator.ts';
import { parseDuration } from '../util/duration.ts';
import type { ScenarioResult } from '../verdict/results.ts';
import type { BenchSection, SectionOutcome } from './bench-section.ts';
import { runBenchDrills } from './bench-drills.ts';
import { findGuardRollback } from './drill-overhead.ts';
import { spreadMetrics } from './stats.ts';

const TARGET_INTERVALS = 2;

/** A release failing every request, 100 reads/s, and a guard with nothing but its threshold set. */
function benchScenario(root: string): ScenarioInput {
  return {
    name: 'bench: time to detect a release failing every request',
    services: {
      shop: { releases: { good: join(root, 'fixtures/shop/v1'), bad: join(root, 'fixtures/shop/v2-total-errors') }, lkg: 'good' },
    },
    traffic: { target: 'shop', rate: 100, reads: ['/products'] },
    // Availability is loose on purpose: this drill measures detection, not the SLO verdict.
    slo: { recoveryTime: '15s', availability: 0.8 },
    guard: { errorRate: { above: 0.05 } },
    steps: [deploy('shop', 'good'), steady('1s'), deploy('shop', 'bad'), expectRollback({ within: '5s' }), verifyRestored({ for: '1s' })],
  };
}

export interface DetectionRound {
  status: string;
  ttdMs: number | null;
  /** Candidate's `deploy` event (the switch) → `guard` event. */
  switchToGuardMs: number | null;
  intervalMs: number;
}

export const timeToDetectBench: BenchSection = {
  name: 'time-to-detect',
  title: 'Time to detect a 100%-failing release (guard defaults)',
  async run(ctx) {
    const loaded = loadBenchScenario(ctx.root);
    const repeat = ctx.quick ? 2 : 5;
    ctx.progress(`${repeat} attempts of a drill with v2-total-errors as candidate`);
    const drill = await runBenchDrills([loaded], { cwd: ctx.root, repeat, seed: 42, signal: ctx.signal });
    const intervalMs = parseDuration(loaded.scenario.guard!.interval);
    const rounds = drill.run.scenarios.map((result) => detectionOf(result, intervalMs));
    const ttd = rounds.flatMap((r) => (r.ttdMs === null ? [] : [r.ttdMs]));
    const toGuard = rounds.flatMap((r) => (r.switchToGuardMs === null ? [] : [r.switchToGuardMs]));
    const target = { atMost: TARGET_INTERVALS };
    return {
      metrics: [
        ...spreadMetrics(ttd, { key: 'ttd', label: 'recovery.ttdMs', unit: 'ms', show: ['median', 'max'], digits: 0 }),
        ...spreadMetrics(ttd.map((ms) => ms / intervalMs), { key: 'ttdIntervals', label: 'ttd in probe intervals', unit: 'intervals', target, digits: 2 }),
        ...spreadMetrics(toGuard.map((ms) => ms / intervalMs), { key: 'switchToGuardIntervals', label: 'switch → guard in probe intervals', unit: 'intervals', show: ['median', 'max'], digits: 2 }),
      ],
      notes: notes(rounds, intervalMs),
      details: { intervalMs, rounds },
    } satisfies SectionOutcome;
  },
};

function loadBenchScenario(root: string): LoadedScenario {
  const file = join(root, 'harness/bench/time-to-detect-bench.ts');
  const { scenario, problems } = validateScenario(benchScenario(root), file);
  if (!scenario) throw new Error(`the time-to-detect scenario is invalid: ${JSON.stringify(problems)}`);
  return { file, displayFile: 'harness/bench/time-to-detect-bench.ts', index: 0, scenario };
}

function detectionOf(result: ScenarioResult, intervalMs: number): DetectionRound {
  const trip = findGuardRollback(result.timeline);
  return {
    status: result.status,
    ttdMs: result.recovery.detection === 'guard' ? result.recovery.ttdMs : null,
    switchToGuardMs: trip ? Math.round(trip.guard.tMs - trip.candidateDeploy.tMs) : null,
    intervalMs,
  };
}

function notes(rounds: DetectionRound[], intervalMs: number): string[] {
  const lines = [`guard interval ${intervalMs} ms (default); error-rate window 2s and 5 samples minimum (defaults); ttd counts from the first failed response`];
  const missed = rounds.filter((r) => r.ttdMs === null).length;
  if (missed) lines.push(`${missed} of ${rounds.length} attempts were not detected by the guard`);
  return lines;
}
