import type { z } from 'zod';
import type { StartedEnvironment } from '../drivers/driver.ts';
import type { Logger } from '../runner/logger.ts';
import type { Timeline } from '../runner/timeline.ts';
import type { SeededRandom } from '../util/seeded-random.ts';
import type { UndoRecord } from './undo-record.ts';

/** What a fault acts on, resolved at injection time from the planned selector. */
export type FaultTarget =
  | { kind: 'replica'; service: string; replicaId: string; pid: number; procStartTime?: number }
  | { kind: 'service'; service: string }
  | { kind: 'link'; from: string; to: string };

export interface FaultContext {
  env: StartedEnvironment;
  timeline: Timeline;
  log: Logger;
  signal: AbortSignal;
  /** This fault's own stream of the run's seed. */
  random: SeededRandom;
  /** The attempt's work directory (pid files of helper processes go under it). */
  workDir: string;
  /** A name unique to this injection, for files, proxies' toxics and pid files. */
  injectionId: string;
}

/** An injected fault; `revert` undoes it and is safe to call more than once. */
export interface Injected {
  revert: () => Promise<void>;
  /** What the fault actually did, for the timeline (`pid 1234 stopped`). */
  detail?: string;
}

/**
 * One kind of fault: one file each, registered in fault-registry.ts. Probability,
 * target choice, timing and duration live in the shared runner, not here.
 */
export interface FaultType<P = unknown> {
  readonly name: string;
  readonly description: string;
  /** What the fault acts on; the planner resolves a scenario's target to this kind. */
  readonly targets: FaultTarget['kind'];
  /** Its parameters, validated with the scenario. */
  readonly params: z.ZodType<P, unknown>;
  /** Whether the fault needs a duration (a pause) or is instantaneous (a kill, then the revert restarts). */
  readonly needsDuration: boolean;
  /**
   * The undo, decided before anything is touched, so it reaches the journal first.
   * Returns the records `drillbit clean` replays if the run dies mid-fault.
   */
  plan(target: FaultTarget, params: P, ctx: FaultContext): UndoRecord[];
  inject(target: FaultTarget, params: P, ctx: FaultContext): Promise<Injected>;
}
