import { join } from 'node:path';
import { declaredWaitMs } from '../scenario/plan.ts';
import { loadScenarios, type LoadedScenario } from '../scenario/scenario-loader.ts';
import type { BenchContext, BenchMetric, BenchSection, SectionOutcome } from './bench-section.ts';
import { runBenchDrills } from './bench-drills.ts';
import { measureCliStartup } from './cli-startup.ts';
import { drillOverhead, type OverheadBreakdown } from './drill-overhead.ts';
import { median, round, spreadMetrics } from './stats.ts';

const CANONICAL_DRILL = 'scenarios/bad-release-rolled-back.drill.ts';
const TARGET_MS = 1000;

/**
 * What the harness adds to a drill: wall time minus what the scenario asked for (waits),
 * what the service needed (boots) and the guard's own detection time.
 */
export const harnessOverheadBench: BenchSection = {
  name: 'harness-overhead',
  title: 'Harness overhead of the canonical drill',
  async run(ctx) {
    const loaded = await loadCanonicalDrill(ctx.root);
    const rounds = await measureDrills(ctx, loaded, ctx.quick ? 1 : 3);
    ctx.progress('CLI start-up');
    const cli = await measureCliStartup(ctx.root, ctx.quick ? 3 : 5, ctx.signal);
    return {
      metrics: [...overheadMetrics(rounds), ...cliMetrics(cli.versionMs, cli.bareNodeMs)],
      notes: notes(rounds),
      details: { drill: CANONICAL_DRILL, seed: 42, declaredWaitMs: declaredWaitMs(loaded), rounds, cli },
    } satisfies SectionOutcome;
  },
};

async function loadCanonicalDrill(root: string): Promise<LoadedScenario> {
  const { scenarios, problems } = await loadScenarios([join(root, CANONICAL_DRILL)], root);
  if (problems.length || !scenarios[0]) throw new Error(`${CANONICAL_DRILL} does not load: ${JSON.stringify(problems)}`);
  return scenarios[0];
}

async function measureDrills(ctx: BenchContext, loaded: LoadedScenario, runs: number): Promise<OverheadBreakdown[]> {
  const rounds: OverheadBreakdown[] = [];
  for (let i = 1; i <= runs && !ctx.signal.aborted; i++) {
    const drill = await runBenchDrills([loaded], { cwd: ctx.root, seed: 42, signal: ctx.signal });
    const result = drill.run.scenarios[0];
    if (!result) break;
    const round = drillOverhead(result, drill.rollbackKinds(result), declaredWaitMs(loaded), drill.wallMs);
    rounds.push(round);
    ctx.progress(`canonical drill ${i}/${runs}: ${round.status}, wall ${Math.round(round.wallMs)} ms, overhead ${Math.round(round.wallOverheadMs)} ms`);
  }
  return rounds;
}

function overheadMetrics(rounds: OverheadBreakdown[]): BenchMetric[] {
  const of = (pick: (r: OverheadBreakdown) => number) => rounds.map(pick);
  const target = { atMost: TARGET_MS };
  const one = (key: string, label: string, values: number[], withTarget = false): BenchMetric => ({
    key, label, value: values.length ? round(median(values)!, 0) : null, unit: 'ms', stat: `median of ${values.length}`, ...(withTarget && { target }),
  });
  return [
    ...spreadMetrics(of((r) => r.wallOverheadMs), { key: 'overhead.wall', label: 'overhead incl. release resolution', unit: 'ms', target, show: ['median', 'max'], digits: 0 }),
    one('overhead.drill', 'overhead inside the drill (durationMs based)', of((r) => r.drillOverheadMs), true),
    one('drill.wall', 'drill wall time (runDrills)', of((r) => r.wallMs)),
    one('drill.releaseResolutionAndSetup', 'wall − durationMs (release resolution, reporter, setup)', of((r) => r.wallMs - r.durationMs)),
    one('drill.declaredWaits', 'declared waits', of((r) => r.declaredWaitMs)),
    one('drill.boots', 'service boots (deploys + cold rollbacks)', of((r) => r.deployMs.concat(r.coldRollbackMs).reduce((a, b) => a + b, 0))),
    one('drill.guardWait', 'candidate deploy → guard rollback', of((r) => r.guardWaitMs)),
  ];
}

function cliMetrics(versionMs: number[], bareNodeMs: number[]): BenchMetric[] {
  const stat = `median of ${versionMs.length}`;
  const m = (values: number[]) => (values.length ? round(median(values)!, 0) : null);
  return [
    { key: 'cli.version', label: 'CLI start-up: `drillbit --version` (not in the target)', value: m(versionMs), unit: 'ms', stat },
    { key: 'cli.bareNode', label: 'for scale: `node -e 0`', value: m(bareNodeMs), unit: 'ms', stat },
  ];
}

function notes(rounds: OverheadBreakdown[]): string[] {
  const failed = rounds.filter((r) => r.status !== 'passed');
  return failed.length ? [`${failed.length} of ${rounds.length} canonical drills did not pass (${failed.map((r) => r.status).join(', ')}); their overhead includes waiting on a failed expectation`] : [];
}
