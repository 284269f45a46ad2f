import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { findScenarioFiles } from '../scenario/scenario-files.ts';
import { loadScenarios, type LoadedScenario } from '../scenario/scenario-loader.ts';
import { chooseParallel, CORES_PER_DRILL, describeParallel, type ParallelChoice } from '../runner/parallel-default.ts';
import type { ScenarioResult } from '../verdict/results.ts';
import type { BenchContext, BenchMetric, BenchSection, SectionOutcome } from './bench-section.ts';
import { runBenchDrills } from './bench-drills.ts';
import { median, round } from './stats.ts';
import { compareVerdicts, type VerdictComparison } from './verdict-comparison.ts';

const WIDE = 8;

interface ParallelRun {
  parallel: number;
  wallMs: number;
  /** The bench process's CPU over the run: the harness, for every drill at once. */
  harnessCpuMs: number;
  results: ScenarioResult[];
}

/**
 * Issue 13 §3: the example folder at --parallel 8 on this machine against --parallel 1,
 * same seed: every verdict the same, or unknown with the reason — no false failure.
 * Also what a drill costs the harness and the machine, which the --parallel default uses.
 */
export const parallelBench: BenchSection = {
  name: 'parallel',
  title: `Verdicts at --parallel ${WIDE} vs 1, and the harness's own CPU`,
  async run(ctx) {
    const scenarios = await loadExamples(ctx.root);
    const defaultParallel = chooseParallel(undefined); // before the bench's own drills load the machine
    const rounds = ctx.quick ? 1 : 2;
    const pairs: { one: ParallelRun; wide: ParallelRun; comparison: VerdictComparison[] }[] = [];
    for (let i = 1; i <= rounds && !ctx.signal.aborted; i++) {
      const one = await runAt(ctx, scenarios, 1, i);
      const wide = await runAt(ctx, scenarios, WIDE, i);
      pairs.push({ one, wide, comparison: compareVerdicts(one.results, wide.results) });
    }
    const rates = new Map(scenarios.map((l) => [l.scenario.name, l.scenario.traffic?.rate ?? 0]));
    return {
      metrics: [...verdictMetrics(pairs), ...cpuMetrics(pairs.map((p) => p.one), rates), ...wideMetrics(pairs.map((p) => p.wide))],
      notes: notes(pairs, defaultParallel),
      details: {
        seed: 42,
        scenarios: scenarios.map((l) => l.displayFile),
        defaultParallel,
        rounds: pairs.map(({ one, wide, comparison }) => ({ wallMs: { one: Math.round(one.wallMs), wide: Math.round(wide.wallMs) }, harnessCpuMs: { one: Math.round(one.harnessCpuMs), wide: Math.round(wide.harnessCpuMs) }, comparison, harness: { one: one.results.map(harnessOf), wide: wide.results.map(harnessOf) } })),
      },
    } satisfies SectionOutcome;
  },
};

async function loadExamples(root: string): Promise<LoadedScenario[]> {
  const files = await findScenarioFiles([join(root, 'scenarios')], root);
  const { scenarios, problems } = await loadScenarios(files, root);
  if (problems.length) throw new Error(`scenarios/ does not load: ${JSON.stringify(problems)}`);
  return scenarios;
}

async function runAt(ctx: BenchContext, scenarios: LoadedScenario[], parallel: number, round: number): Promise<ParallelRun> {
  const cpuBefore = process.cpuUsage();
  const drill = await runBenchDrills(scenarios, { cwd: ctx.root, seed: 42, parallel, signal: ctx.signal });
  const cpu = process.cpuUsage(cpuBefore);
  const results = drill.run.scenarios;
  ctx.progress(`round ${round}, --parallel ${parallel}: ${results.filter((r) => r.status === 'passed').length}/${results.length} passed in ${(drill.wallMs / 1000).toFixed(1)} s`);
  return { parallel, wallMs: drill.wallMs, harnessCpuMs: (cpu.user + cpu.system) / 1000, results };
}

function verdictMetrics(pairs: { comparison: VerdictComparison[] }[]): BenchMetric[] {
  const count = (kind: VerdictComparison['kind']) => pairs.map((p) => p.comparison.filter((c) => c.kind === kind).length);
  const worst = (values: number[]) => (values.length ? Math.max(...values) : null);
  const least = (values: number[]) => (values.length ? Math.min(...values) : null);
  const stat = `worst of ${pairs.length}`;
  return [
    { key: 'verdicts.falseFailures', label: `false failures at --parallel ${WIDE} (passed at 1, a check failed at ${WIDE})`, value: worst(count('false-failure')), unit: 'drills', stat, target: { atMost: 0 } },
    { key: 'verdicts.same', label: `same verdict at --parallel ${WIDE} as at 1`, value: least(count('same')), unit: 'drills', stat: `least of ${pairs.length}` },
    { key: 'verdicts.unknown', label: `unknown at --parallel ${WIDE} with the reason (harness saturated)`, value: worst(count('unknown')), unit: 'drills', stat },
    { key: 'verdicts.other', label: 'other differences (errored, failed at 1 and passed at 8…)', value: worst(count('other')), unit: 'drills', stat },
  ];
}

function cpuMetrics(runs: ParallelRun[], rates: Map<string, number>): BenchMetric[] {
  const results = runs.flatMap((r) => r.results).filter((r) => r.harness?.cpuMs != null && r.durationMs > 0);
  const perDrill = results.map((r) => r.harness!.cpuMs!);
  const cores = results.map((r) => r.harness!.cpuMs! / r.durationMs);
  const per100 = results.filter((r) => (rates.get(r.name) ?? 0) > 0).map((r) => r.harness!.cpuMs! / r.durationMs / (rates.get(r.name)! / 100));
  const machine = results.filter((r) => r.harness?.machineCpu != null).map((r) => r.harness!.machineCpu! * availableParallelism());
  const m = (values: number[], digits: number) => (values.length ? round(median(values)!, digits) : null);
  const stat = `median of ${results.length} drills, --parallel 1`;
  return [
    { key: 'cpu.perDrill', label: "harness's own CPU per drill (process CPU while it ran)", value: m(perDrill, 0), unit: 'ms', stat },
    { key: 'cpu.coresPerDrill', label: "harness's own CPU while a drill runs", value: m(cores, 3), unit: 'core', stat },
    { key: 'cpu.per100rps', label: "harness's own CPU per 100 requests/s of a drill's traffic", value: m(per100, 3), unit: 'core', stat },
    { key: 'cpu.machinePerDrill', label: `machine cores per drill, alone (harness + service; the --parallel default assumes ${CORES_PER_DRILL})`, value: m(machine, 2), unit: 'core', stat },
  ];
}

function wideMetrics(runs: ParallelRun[]): BenchMetric[] {
  const cores = runs.map((r) => r.harnessCpuMs / r.wallMs);
  const machine = runs.flatMap((r) => r.results).flatMap((r) => (r.harness?.machineCpu != null ? [r.harness.machineCpu] : []));
  const lag = runs.flatMap((r) => r.results).flatMap((r) => (r.harness?.eventLoopDelayP99Ms != null ? [r.harness.eventLoopDelayP99Ms] : []));
  const m = (values: number[], digits: number) => (values.length ? round(median(values)!, digits) : null);
  return [
    { key: 'wide.harnessCores', label: `harness's own CPU at --parallel ${WIDE} (whole run)`, value: m(cores, 2), unit: 'core', stat: `median of ${runs.length}` },
    { key: 'wide.machineBusy', label: `machine busy at --parallel ${WIDE} (share of all cores)`, value: m(machine, 2), unit: 'ratio', stat: `median of ${machine.length} drills` },
    { key: 'wide.eventLoopDelayP99', label: `event-loop delay p99 at --parallel ${WIDE}`, value: m(lag, 0), unit: 'ms', stat: `median of ${lag.length} drills` },
  ];
}

function notes(pairs: { comparison: VerdictComparison[] }[], choice: ParallelChoice): string[] {
  const lines = pairs.flatMap((p, i) => p.comparison.filter((c) => c.kind !== 'same').map((c) => `round ${i + 1}: ${c.name}: ${c.kind} — ${c.detail}`));
  return [`the --parallel default here, before the bench ran: ${describeParallel(choice, 10)}`, ...lines];
}

function harnessOf(r: ScenarioResult): Record<string, unknown> {
  return { name: r.name, status: r.status, ...(r.harness ?? {}) };
}
