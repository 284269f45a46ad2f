import type { StartedEnvironment } from '../drivers/driver.ts';
import type { Logger } from '../runner/logger.ts';
import type { TeardownStack } from '../runner/teardown-stack.ts';
import type { Timeline } from '../runner/timeline.ts';
import { errorMessage } from '../errors.ts';
import type { SeededRandom } from '../util/seeded-random.ts';
import { formatMs } from '../util/duration.ts';
import { findFaultType } from './fault-registry.ts';
import type { FaultJournal } from './fault-journal.ts';
import { describeTarget, type PlannedFault } from './fault-planner.ts';
import { describeFaultTarget, resolveTargets } from './fault-target-resolver.ts';
import type { FaultContext, FaultTarget, FaultType } from './fault-type.ts';
import { executeUndo } from './undo-executor.ts';
import type { UndoRecord } from './undo-record.ts';

export type FaultStatus = 'skipped' | 'injected' | 'reverted' | 'inject-failed' | 'revert-failed';

/** One fault of the drill as it happened, for results.json. */
export interface FaultRecord {
  id: string;
  fault: string;
  target: string;
  status: FaultStatus;
  injectedAtMs?: number;
  revertedAtMs?: number;
  error?: string;
  injections: string[];
}

export interface FaultRunnerDeps {
  env: () => StartedEnvironment;
  timeline: Timeline;
  teardown: TeardownStack;
  journal: FaultJournal;
  log: Logger;
  signal: AbortSignal;
  random: SeededRandom;
  workDir: string;
}

const REVERT_DEADLINE_MS = 15_000;

/**
 * The shared wrapper around every fault type: resolves the target, journals the undo
 * before injecting, queues the revert before injecting, reverts on the fault's timer or at
 * teardown, and never lets one failed revert stop the others.
 */
export class FaultRunner {
  private readonly started: FaultRecord[] = [];
  /** Scheduled faults whose time has not come yet. */
  private readonly pending = new Map<string, PlannedFault>();
  private readonly reverts = new Map<string, () => Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Faults whose revert has run: an injection of one that lands later is reverted as it lands. */
  private readonly revertRan = new Set<string>();

  constructor(private readonly deps: FaultRunnerDeps) {
    deps.teardown.defer('fault timers', () => this.clearTimers());
  }

  /** Every fault of the drill as it happened; a scheduled one whose time never came (the drill ended first) never landed: inject-failed. */
  get records(): FaultRecord[] {
    const neverStarted = [...this.pending.values()].filter((p) => p.inject).map((p): FaultRecord => ({ id: p.id, fault: p.fault, target: describeTarget(p.target), status: 'inject-failed', error: `never started: scheduled at ${formatMs(p.atMs ?? 0)}, but the drill ended first`, injections: [] }));
    return [...this.started, ...neverStarted];
  }

  /** Injects a planned fault now; resolves once it is in place (not when it is reverted). */
  async start(planned: PlannedFault): Promise<FaultRecord> {
    const type = findFaultType(planned.fault)!;
    const record: FaultRecord = { id: planned.id, fault: planned.fault, target: describeTarget(planned.target), status: 'skipped', injections: [] };
    this.pending.delete(planned.id);
    this.started.push(record);
    if (!planned.inject) {
      this.deps.timeline.emit('fault', { faultId: planned.id, fault: planned.fault, target: record.target, message: 'skipped: the probability coin said no' });
      return record;
    }
    try {
      const targets = resolveTargets(planned.target, this.deps.env(), planned.fault);
      for (const [n, target] of targets.entries()) {
        // Its revert ran while an injection was under way (teardown): the rest are not started.
        if (this.revertRan.has(planned.id)) break;
        await this.injectOne(planned, type, target, `${planned.id}-${n + 1}-${this.deps.random.seed.toString(36)}`, record);
      }
      // Reverted while injecting: what landed before was reverted then, what landed after as it landed.
      if (record.status !== 'revert-failed') record.status = this.revertRan.has(planned.id) ? 'reverted' : 'injected';
      record.injectedAtMs = Math.round(this.deps.timeline.now());
    } catch (error) {
      record.status = 'inject-failed';
      record.error = errorMessage(error);
      this.deps.timeline.emit('error', { faultId: planned.id, fault: planned.fault, message: `fault ${planned.id} (${planned.fault} on ${record.target}) could not be injected: ${record.error}` });
      await this.revert(planned.id);
      return record;
    }
    if (planned.durationMs !== undefined) this.after(planned.durationMs, () => this.revert(planned.id));
    return record;
  }

  /** Injects a scheduled fault at its planned time on the drill's timeline (at once if that time has passed). */
  schedule(planned: PlannedFault): void {
    const delayMs = Math.max(0, (planned.atMs ?? 0) - this.deps.timeline.now());
    this.pending.set(planned.id, planned);
    this.after(delayMs, async () => {
      if (!this.deps.signal.aborted) await this.start(planned);
    });
  }

  /** Reverts a fault (every injection of it). Idempotent; bounded by deadlines; records failures. */
  async revert(faultId: string): Promise<void> {
    const revert = this.reverts.get(faultId);
    this.reverts.delete(faultId);
    await revert?.();
  }

  /** Resolves once the fault is reverted (its timer fired), or at once if it never was injected. */
  async waitReverted(faultId: string, signal: AbortSignal): Promise<void> {
    while (this.reverts.has(faultId) && !signal.aborted) await new Promise((r) => setTimeout(r, 10));
  }

  get active(): number {
    return this.reverts.size;
  }

  private async injectOne(planned: PlannedFault, type: FaultType<unknown>, target: FaultTarget, injectionId: string, record: FaultRecord): Promise<void> {
    const { journal, timeline } = this.deps;
    const ctx: FaultContext = { env: this.deps.env(), timeline, log: this.deps.log, signal: this.deps.signal, random: this.deps.random.derive(injectionId), workDir: this.deps.workDir, injectionId };
    const description = describeFaultTarget(target);
    const undo = type.plan(target, planned.params, ctx);
    const entry = { faultId: planned.id, injectionId, fault: planned.fault, target: description };
    journal.record({ ...entry, event: 'intent', undo });
    record.injections.push(injectionId);
    let revertInjected: (() => Promise<void>) | undefined;
    // Queued before the fault touches anything: whatever happens next, teardown reverts it.
    const revert = once(async () => {
      this.revertRan.add(planned.id);
      try {
        await withDeadline(revertInjected ? revertInjected() : undoAll(undo), REVERT_DEADLINE_MS);
        journal.record({ ...entry, event: 'reverted' });
        if (record.status === 'injected') record.status = 'reverted';
        record.revertedAtMs = Math.round(timeline.now());
        timeline.emit('revert', { faultId: planned.id, fault: planned.fault, target: description });
      } catch (error) {
        await this.fallBackToUndo(undo, entry, record, error);
      }
    });
    this.deps.teardown.defer(`revert ${planned.id} (${planned.fault} on ${description})`, revert, { deadlineMs: REVERT_DEADLINE_MS + 5_000 });
    this.chain(planned.id, revert);
    try {
      const injected = await type.inject(target, planned.params, ctx);
      revertInjected = injected.revert;
      journal.record({ ...entry, event: 'injected' });
      timeline.emit('fault', { faultId: planned.id, fault: planned.fault, target: description, message: injected.detail });
      if (this.revertRan.has(planned.id)) await this.revertLanded(injected.revert, undo, entry, record);
    } catch (error) {
      journal.record({ ...entry, event: 'inject-failed', error: errorMessage(error) });
      throw error;
    }
  }

  /**
   * An injection that landed after its fault's revert ran (it was still under way at
   * teardown, which replayed its undo records then): reverted as it lands, or it would stay.
   */
  private async revertLanded(revert: () => Promise<void>, undo: UndoRecord[], entry: { faultId: string; injectionId: string; fault: string; target: string }, record: FaultRecord): Promise<void> {
    try {
      await withDeadline(revert(), REVERT_DEADLINE_MS);
      this.deps.journal.record({ ...entry, event: 'reverted' });
      record.revertedAtMs = Math.round(this.deps.timeline.now());
      this.deps.timeline.emit('revert', { faultId: entry.faultId, fault: entry.fault, target: entry.target, message: 'it landed after its revert had run, and was reverted as it landed' });
    } catch (error) {
      await this.fallBackToUndo(undo, entry, record, error);
    }
  }

  /** The fault's own revert failed: replay its journaled undo records, and say so in the result. */
  private async fallBackToUndo(undo: UndoRecord[], entry: { faultId: string; injectionId: string; fault: string; target: string }, record: FaultRecord, error: unknown): Promise<void> {
    const message = errorMessage(error);
    record.status = 'revert-failed';
    record.error = message;
    this.deps.journal.record({ ...entry, event: 'revert-failed', error: message });
    this.deps.timeline.emit('error', { faultId: entry.faultId, message: `revert of ${entry.faultId} (${entry.fault} on ${entry.target}) failed: ${message}` });
    await undoAll(undo).catch(() => undefined);
  }

  private chain(faultId: string, revert: () => Promise<void>): void {
    const previous = this.reverts.get(faultId);
    this.reverts.set(faultId, previous ? async () => void (await Promise.allSettled([previous(), revert()])) : revert);
  }

  private after(ms: number, action: () => Promise<void>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void action();
    }, ms);
    this.timers.add(timer);
  }

  private clearTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

async function undoAll(undo: UndoRecord[]): Promise<void> {
  for (const record of undo) await executeUndo(record);
}

function once(action: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= action());
}

async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`did not finish within ${ms}ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
