import { createHash } from 'node:crypto';

export interface ShardSpec {
  /** 1-based. */
  index: number;
  count: number;
}

/** What a sharded run records, so `drillbit merge-reports` can tell whether shards belong together. */
export interface ShardInfo extends ShardSpec {
  /** Scenarios before the split (after --grep). */
  of: number;
  /** Digest of the sorted (file, name) list before the split: equal on every shard of one scenario set. */
  scenarioSet: string;
}

interface Shardable {
  displayFile: string;
  scenario: { name: string };
}

/**
 * The i-th of n shards, round-robin over the scenarios sorted by (file, name), so every
 * machine computes the same split whatever order its file system lists files in. Names
 * are compared by UTF-16 code units, not localeCompare, which depends on the machine's ICU and locale.
 */
export function selectShard<T extends Shardable>(scenarios: readonly T[], shard: ShardSpec): T[] {
  return sortForSharding(scenarios).filter((_, i) => i % shard.count === shard.index - 1);
}

export function sortForSharding<T extends Shardable>(scenarios: readonly T[]): T[] {
  return [...scenarios].sort((a, b) => compare(portable(a.displayFile), portable(b.displayFile)) || compare(a.scenario.name, b.scenario.name));
}

export function shardInfo(scenarios: readonly Shardable[], shard: ShardSpec): ShardInfo {
  const list = sortForSharding(scenarios).map((s) => `${portable(s.displayFile)}\0${s.scenario.name}\n`).join('');
  return { ...shard, of: scenarios.length, scenarioSet: `sha256:${createHash('sha256').update(list).digest('hex')}` };
}

function portable(file: string): string {
  return file.replaceAll('\\', '/');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
