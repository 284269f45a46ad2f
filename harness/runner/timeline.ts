import { performance } from 'node:perf_hooks';

export type EventType =
  | 'run-start' | 'env-up' | 'env-down' | 'step-start' | 'step-end'
  | 'deploy-start' | 'deploy' | 'deploy-rejected' | 'deploy-halted' | 'promote' | 'drift'
  | 'traffic-start' | 'traffic-stop'
  | 'guard' | 'rollback-start' | 'rollback' | 'restored'
  | 'fault' | 'revert' | 'check' | 'replica-exit' | 'log' | 'error' | 'abort' | 'run-end'
  /** Swarm driver: an orchestrator's update changed state (`state`: updating, rollback_started, rollback_completed, paused…); a task failed. */
  | 'orchestrator-update' | 'task-failed';

/** One thing that happened, at `tMs` milliseconds of the scenario's monotonic clock. */
export interface TimelineEvent {
  tMs: number;
  type: EventType;
  service?: string;
  release?: string;
  digest?: string;
  message?: string;
  [field: string]: unknown;
}

export type TimelineListener = (event: TimelineEvent) => void;

/**
 * The single record every verdict number is computed from, so the report, the JSON
 * result and the exit code cannot disagree (DESIGN.md §2).
 */
export class Timeline {
  readonly events: TimelineEvent[] = [];
  readonly startedAt = new Date();
  /** performance.now() at this timeline's zero: how other monotonic clocks map onto it. */
  readonly originMs = performance.now();
  private readonly listeners: TimelineListener[] = [];

  /** Milliseconds since this timeline began, monotonic. */
  now(): number {
    return performance.now() - this.originMs;
  }

  emit(type: EventType, fields: Omit<TimelineEvent, 'tMs' | 'type'> = {}): TimelineEvent {
    const event: TimelineEvent = { tMs: round(this.now()), type, ...fields };
    this.events.push(event);
    for (const listener of this.listeners) listener(event);
    return event;
  }

  subscribe(listener: TimelineListener): () => void {
    this.listeners.push(listener);
    return () => {
      const index = this.listeners.indexOf(listener);
      if (index >= 0) this.listeners.splice(index, 1);
    };
  }

  /** The first event of a type (and service) at or after `fromMs`. */
  find(type: EventType, options: { service?: string; fromMs?: number } = {}): TimelineEvent | undefined {
    return this.events.find((e) => e.type === type && e.tMs >= (options.fromMs ?? 0) && (options.service === undefined || e.service === options.service));
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
