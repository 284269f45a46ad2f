import type { TimelineEvent } from '../runner/timeline.ts';
import type { RunResults, ScenarioResult } from '../verdict/results.ts';
import type { ParallelChoice } from '../runner/parallel-default.ts';
import type { AttemptProgress } from '../runner/attempt-progress.ts';

export type { AttemptProgress } from '../runner/attempt-progress.ts';

export interface AttemptIdentity {
  name: string;
  file: string;
  attempt: number;
}

export interface RunBegin {
  runId: string;
  driver: string;
  seed: number;
  attempts: AttemptIdentity[];
  /** Scenarios the driver cannot run, with why (added; absent when none). */
  skipped?: { name: string; file: string; reason: string }[];
  /** How many attempts run at once, and whether --parallel or the machine chose it (added). */
  parallel?: ParallelChoice;
}

/**
 * Reporter API, version 1. Every hook is optional; reporters read results, never change
 * them. Behind the multiplexer, one reporter that throws cannot break a run or another reporter.
 */
export interface Reporter {
  readonly version: 1;
  onBegin?(run: RunBegin): void | Promise<void>;
  onScenarioBegin?(attempt: AttemptIdentity): void | Promise<void>;
  onEvent?(attempt: AttemptIdentity, event: TimelineEvent): void;
  /** While an attempt runs, about every 500 ms: for live counters. */
  onProgress?(attempt: AttemptIdentity, progress: AttemptProgress): void;
  onScenarioEnd?(result: ScenarioResult, run: RunResults): void | Promise<void>;
  onEnd?(run: RunResults): void | Promise<void>;
}
