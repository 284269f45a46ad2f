import type { ShardInfo } from '../scenario/shard.ts';
import { summarizeRun, type RunResults, type ScenarioResult } from '../verdict/results.ts';
import { scenarioStats } from '../verdict/scenario-stats.ts';
import type { ResultsSource } from './results-reader.ts';

/** One input of a merge, as recorded in the merged results.json. */
export interface MergeSource {
  path: string;
  runId: string;
  driver: string;
  drillbitVersion: string;
  seed: number;
  startedAt: string;
  attempts: number;
  shard?: ShardInfo;
  /** False when the input was truncated or corrupt and only part of it was read. */
  complete: boolean;
}

export interface MergeInfo {
  sources: MergeSource[];
  /** What a reader of the merged results should know: mixed drivers or versions, missing shards, overlaps, damaged inputs. */
  warnings: string[];
  incomplete: boolean;
}

/** Where a merged scenario attempt came from (its attempt number may be renumbered). */
export interface MergedFrom {
  source: number;
  runId: string;
  attempt: number;
}

type Readable = ResultsSource & { run: RunResults };

/**
 * Combines several runs (typically the shards of one nightly run) into one. Merging runs of
 * different scenario sets, drivers or versions is allowed, and labelled in `merged.warnings`.
 */
export function mergeRuns(sources: readonly Readable[], runId: string): RunResults {
  const scenarios = mergeScenarios(sources);
  const runs = sources.map((s) => s.run);
  const finished = runs.map((r) => r.finishedAt);
  const warnings = [...sources.flatMap((s) => s.problems), ...mixWarnings(runs, sources), ...shardWarnings(sources), ...overlapWarnings(sources)];
  return {
    runId,
    startedAt: runs.map((r) => r.startedAt).sort()[0]!,
    ...(finished.every(Boolean) ? { finishedAt: (finished as string[]).sort().at(-1)! } : {}),
    driver: unique(runs.map((r) => r.driver)).join(','),
    seed: runs[0]!.seed,
    drillbitVersion: unique(runs.map((r) => r.drillbitVersion)).join(','),
    aborted: runs.some((r) => r.aborted),
    summary: summarizeRun(scenarios),
    scenarios,
    scenarioStats: scenarioStats(scenarios, { round: true }),
    merged: {
      sources: sources.map((s) => ({
        path: s.path,
        runId: s.run.runId,
        driver: s.run.driver,
        drillbitVersion: s.run.drillbitVersion,
        seed: s.run.seed,
        startedAt: s.run.startedAt,
        attempts: s.run.scenarios.length,
        ...(s.run.shard ? { shard: s.run.shard } : {}),
        complete: s.complete,
      })),
      warnings,
      incomplete: sources.some((s) => !s.complete),
    },
  };
}

/** Attempts of a scenario found in several sources are numbered 1…n in source order; `mergedFrom` keeps the original. */
function mergeScenarios(sources: readonly Readable[]): ScenarioResult[] {
  const next = new Map<string, number>();
  const needsRenumbering = new Set(overlaps(sources).keys());
  return sources.flatMap((source, index) =>
    source.run.scenarios.map((scenario) => {
      const attempt = needsRenumbering.has(scenario.name) ? (next.get(scenario.name) ?? 0) + 1 : scenario.attempt;
      next.set(scenario.name, attempt);
      const mergedFrom: MergedFrom = { source: index, runId: source.run.runId, attempt: scenario.attempt };
      const merged: ScenarioResult & { mergedFrom: MergedFrom } = { ...scenario, attempt, mergedFrom };
      return merged;
    }),
  );
}

function mixWarnings(runs: RunResults[], sources: readonly Readable[]): string[] {
  const warnings: string[] = [];
  for (const [field, what] of [
    ['driver', 'drivers'],
    ['drillbitVersion', 'drillbit versions'],
  ] as const) {
    const values = unique(runs.map((r) => r[field]));
    if (values.length > 1) warnings.push(`the sources ran on different ${what}: ${values.map((v) => `${v} (${sources.filter((s) => s.run[field] === v).map((s) => s.path).join(', ')})`).join('; ')}`);
  }
  return warnings;
}

function shardWarnings(sources: readonly Readable[]): string[] {
  const sharded = sources.filter((s) => s.run.shard);
  if (sharded.length === 0) return [];
  const warnings: string[] = [];
  if (sharded.length < sources.length) warnings.push(`mixes shards with unsharded runs: ${sources.filter((s) => !s.run.shard).map((s) => s.path).join(', ')}`);
  const counts = unique(sharded.map((s) => String(s.run.shard!.count)));
  if (counts.length > 1) warnings.push(`the shards split into different counts: ${sharded.map((s) => `${s.run.shard!.index}/${s.run.shard!.count} (${s.path})`).join(', ')}`);
  if (unique(sharded.map((s) => s.run.shard!.scenarioSet)).length > 1) warnings.push('the shards come from different scenario sets (different files, names or --grep): the merge is not one run of one set');
  if (counts.length === 1) {
    const count = sharded[0]!.run.shard!.count;
    const seen = sharded.map((s) => s.run.shard!.index);
    const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.includes(i));
    const twice = unique(seen.filter((i, n) => seen.indexOf(i) !== n).map(String));
    if (missing.length) warnings.push(`shard${missing.length === 1 ? '' : 's'} ${missing.map((i) => `${i}/${count}`).join(', ')} missing: their scenarios are not in the merge`);
    if (twice.length) warnings.push(`shard${twice.length === 1 ? '' : 's'} ${twice.map((i) => `${i}/${count}`).join(', ')} given more than once: their attempts are combined`);
  }
  return warnings;
}

function overlapWarnings(sources: readonly Readable[]): string[] {
  return [...overlaps(sources)].map(([name, { paths, files }]) => {
    const fileNote = files.size > 1 ? `, from different files (${[...files].join(', ')})` : '';
    return `scenario ${JSON.stringify(name)} is in ${paths.length} sources (${paths.join(', ')})${fileNote}: its attempts are combined and numbered 1…n`;
  });
}

/** Scenario names found in more than one source. */
function overlaps(sources: readonly Readable[]): Map<string, { paths: string[]; files: Set<string> }> {
  const seen = new Map<string, { paths: string[]; files: Set<string> }>();
  for (const source of sources) {
    for (const scenario of source.run.scenarios) {
      const entry = seen.get(scenario.name) ?? { paths: [], files: new Set<string>() };
      if (!entry.paths.includes(source.path)) entry.paths.push(source.path);
      entry.files.add(scenario.file);
      seen.set(scenario.name, entry);
    }
  }
  return new Map([...seen].filter(([, entry]) => entry.paths.length > 1));
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
