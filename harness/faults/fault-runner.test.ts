import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FaultRunner } from './fault-runner.ts';
import { FaultJournal, pendingUndos } from './fault-journal.ts';
import { faultsCheck } from '../checks/faults-check.ts';
import { TeardownStack } from '../runner/teardown-stack.ts';
import { Timeline } from '../runner/timeline.ts';
import { silentLogger } from '../runner/logger.ts';
import { SeededRandom } from '../util/seeded-random.ts';
import type { FaultType } from './fault-type.ts';
import type { PlannedFault } from './fault-planner.ts';
import type { StartedEnvironment } from '../drivers/driver.ts';
import * as registry from './fault-registry.ts';

// Test doubles: fault types that touch only a marker file, so the runner's own guarantees
// (journal first, revert queued first, failed reverts recorded, undo fallback) are visible.
function markerFault(name: string, options: { revertThrows?: boolean; injectThrows?: boolean; landsAfter?: Promise<void>; onRevert?: (file: string) => void } = {}): FaultType<{ file: string }> {
  return {
    name,
    description: 'test double: creates a marker file',
    targets: 'service',
    params: z.object({ file: z.string() }),
    needsDuration: false,
    plan: (_t, { file }) => [{ kind: 'remove-path', path: file }],
    async inject(_t, { file }) {
      writeFileSync(file, 'x');
      if (options.injectThrows) throw new Error('half-injected, then broke');
      await options.landsAfter;
      writeFileSync(file, 'landed');
      return {
        revert: async () => {
          if (options.revertThrows) throw new Error('the revert itself broke');
          options.onRevert?.(file);
        },
      };
    },
  };
}

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'drillbit-runner-'));
  const teardown = new TeardownStack();
  const timeline = new Timeline();
  const journal = new FaultJournal(join(dir, 'faults.ndjson'));
  const env = {} as StartedEnvironment;
  const runner = new FaultRunner({ env: () => env, timeline, teardown, journal, log: silentLogger, signal: new AbortController().signal, random: new SeededRandom(1), workDir: dir });
  return { dir, teardown, timeline, journal, runner };
}

function planned(id: string, fault: string, file: string, durationMs?: number): PlannedFault {
  return { id, fault, origin: { step: 0 }, target: { kind: 'service', service: 'svc' }, params: { file }, inject: true, wait: false, ...(durationMs === undefined ? {} : { durationMs }) };
}

describe('FaultRunner (with test-double fault types)', () => {
  const types = { 'test-ok': markerFault('test-ok'), 'test-bad-revert': markerFault('test-bad-revert', { revertThrows: true }), 'test-bad-inject': markerFault('test-bad-inject', { injectThrows: true }) };
  const withTypes = async (body: () => Promise<void>) => {
    const original = registry.faultTypes as Record<string, unknown>;
    Object.assign(original, types);
    try {
      await body();
    } finally {
      for (const name of Object.keys(types)) delete original[name];
    }
  };

  it('journals the undo before injecting, reverts on its timer, and records it', async () => {
    await withTypes(async () => {
      const { dir, runner, journal } = setup();
      const file = join(dir, 'ok');
      const record = await runner.start(planned('f1', 'test-ok', file, 30));
      expect(record.status).toBe('injected');
      const lines = readFileSync(journal.path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: string; undo?: unknown });
      expect(lines.map((l) => l.event)).toEqual(['intent', 'injected']);
      expect(lines[0]!.undo).toEqual([{ kind: 'remove-path', path: file }]);
      await new Promise((r) => setTimeout(r, 80));
      expect(record.status).toBe('reverted');
      expect(pendingUndos(journal.path)).toEqual([]);
    });
  });

  it('a revert that throws is recorded, its undo records run instead, and the other faults still revert', async () => {
    await withTypes(async () => {
      const { dir, runner, teardown } = setup();
      const bad = await runner.start(planned('f1', 'test-bad-revert', join(dir, 'bad')));
      const good = await runner.start(planned('f2', 'test-ok', join(dir, 'good')));
      const failures = await teardown.runAll();
      expect(failures).toEqual([]);
      expect(bad.status).toBe('revert-failed');
      expect(bad.error).toContain('the revert itself broke');
      expect(existsSync(join(dir, 'bad'))).toBe(false); // the journaled undo removed it
      expect(good.status).toBe('reverted');
      const check = faultsCheck(runner.records);
      expect(check.status).toBe('failed');
      expect(check.message).toContain('f1 test-bad-revert on svc: revert-failed (the revert itself broke)');
    });
  });

  it('an injection still under way when teardown reverts its fault is reverted as it lands, never left behind', async () => {
    let land!: () => void;
    const landsAfter = new Promise<void>((resolve) => (land = resolve));
    const reverted: string[] = [];
    const slow = { 'test-slow': markerFault('test-slow', { landsAfter, onRevert: (file) => reverted.push(file) }) };
    Object.assign(registry.faultTypes as Record<string, unknown>, slow);
    try {
      const { dir, runner, teardown, timeline } = setup();
      const file = join(dir, 'slow');
      const starting = runner.start(planned('f1', 'test-slow', file));
      await new Promise((r) => setTimeout(r, 20));
      expect(existsSync(file), 'the injection has begun').toBe(true);
      const tearingDown = teardown.runAll();
      await new Promise((r) => setTimeout(r, 20));
      land();
      const record = await starting;
      expect(await tearingDown).toEqual([]);
      expect(reverted, "the fault's own revert ran once it landed").toEqual([file]);
      expect(record.status).toBe('reverted');
      expect(faultsCheck(runner.records).status).toBe('passed');
      expect(timeline.events.filter((e) => e.type === 'revert').map((e) => e.message)).toContain('it landed after its revert had run, and was reverted as it landed');
    } finally {
      delete (registry.faultTypes as Record<string, unknown>)['test-slow'];
    }
  });

  it('an injection that fails is undone from its journaled records and named in the result', async () => {
    await withTypes(async () => {
      const { dir, runner, timeline } = setup();
      const record = await runner.start(planned('f1', 'test-bad-inject', join(dir, 'half')));
      expect(record.status).toBe('inject-failed');
      expect(existsSync(join(dir, 'half'))).toBe(false);
      expect(timeline.events.some((e) => e.type === 'error' && String(e.message).includes('could not be injected: half-injected, then broke'))).toBe(true);
    });
  });

  it('skips a fault whose probability coin said no, without touching anything', async () => {
    await withTypes(async () => {
      const { dir, runner, journal } = setup();
      const record = await runner.start({ ...planned('f1', 'test-ok', join(dir, 'never')), inject: false });
      expect(record.status).toBe('skipped');
      expect(existsSync(join(dir, 'never'))).toBe(false);
      expect(existsSync(journal.path)).toBe(false);
    });
  });
});
