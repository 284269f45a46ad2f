import { describe, expect, it } from 'vitest';
import { selectShard, shardInfo } from './shard.ts';

const scenario = (displayFile: string, name: string) => ({ displayFile, scenario: { name } });
const all = [
  scenario('scenarios/b.drill.ts', 'beta'),
  scenario('scenarios/a.drill.yaml', 'alpha'),
  scenario('scenarios/multi.drill.ts', 'second'),
  scenario('scenarios/multi.drill.ts', 'first'),
  scenario('scenarios/Z.drill.ts', 'zed'),
  scenario('test/drills/c.drill.ts', 'gamma'),
  scenario('scenarios/é.drill.ts', 'accent'),
];

function shuffled<T>(list: T[], seed: number): T[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const names = (list: { scenario: { name: string } }[]) => list.map((s) => s.scenario.name);

describe('--shard i/n', () => {
  it('splits the same way whatever order the scenarios were found in', () => {
    const reference = [1, 2, 3].map((index) => names(selectShard(all, { index, count: 3 })));
    for (const seed of [1, 2, 3, 42, 1234]) {
      expect([1, 2, 3].map((index) => names(selectShard(shuffled(all, seed), { index, count: 3 })))).toEqual(reference);
    }
  });

  it('sorts by file, then name, by code unit (not locale), and deals round-robin', () => {
    expect(names(selectShard(all, { index: 1, count: 1 }))).toEqual(['zed', 'alpha', 'beta', 'first', 'second', 'accent', 'gamma']);
    expect(names(selectShard(all, { index: 1, count: 3 }))).toEqual(['zed', 'first', 'gamma']);
    expect(names(selectShard(all, { index: 2, count: 3 }))).toEqual(['alpha', 'second']);
    expect(names(selectShard(all, { index: 3, count: 3 }))).toEqual(['beta', 'accent']);
  });

  it('covers every scenario exactly once, more shards than scenarios included', () => {
    for (const count of [1, 2, 3, 7, 10]) {
      const shards = Array.from({ length: count }, (_, i) => names(selectShard(all, { index: i + 1, count })));
      expect(shards.flat().sort()).toEqual(names(all).sort());
      expect(Math.max(...shards.map((s) => s.length)) - Math.min(...shards.map((s) => s.length))).toBeLessThanOrEqual(1);
    }
  });

  it('records the scenario set, equal on every shard and every order, different for another set', () => {
    const info = shardInfo(all, { index: 1, count: 3 });
    expect(info).toMatchObject({ index: 1, count: 3, of: 7 });
    expect(info.scenarioSet).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(shardInfo(shuffled(all, 9), { index: 2, count: 3 }).scenarioSet).toBe(info.scenarioSet);
    expect(shardInfo(all.slice(1), { index: 1, count: 3 }).scenarioSet).not.toBe(info.scenarioSet);
  });
});
