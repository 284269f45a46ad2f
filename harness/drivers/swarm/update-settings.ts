import type { SwarmUpdateSettings } from '../driver.ts';

/**
 * Drillbit's defaults for a service's rolling update, tuned so that a drill on the sample
 * system finishes in seconds (Swarm's own: parallelism 1, delay 0, monitor 5s, failure
 * action pause, health checked every 30s — ~17 s per update here). Every task at once:
 * start-first keeps the old ones serving until the new ones are healthy. Each is
 * documented in README.md with why.
 */
export const DRILL_UPDATE_DEFAULTS = {
  parallelism: 0,
  delayMs: 0,
  monitorMs: 250,
  failureAction: 'rollback',
  maxFailureRatio: 0,
} as const satisfies Omit<SwarmUpdateSettings, 'order'>;

/** How Swarm rolls a failed update back (and how `rollback=previous` runs): every task at once, short monitor. */
export const DRILL_ROLLBACK_DEFAULTS = {
  parallelism: 0,
  delayMs: 0,
  monitorMs: 200,
  failureAction: 'pause',
  maxFailureRatio: 0,
} as const;

/** The health check Swarm runs in every task: how often, how long each probe may take, how many failures in a row, grace at start. */
export const DRILL_HEALTH_DEFAULTS = { intervalMs: 250, timeoutMs: 5000, retries: 3, startPeriodMs: 2000 } as const;

/** A failed task is replaced after this delay (Swarm's default: 5 s). */
export const DRILL_RESTART_DELAY_MS = 1000;

/** Swarm's own defaults (`docker service create` without flags), which the bench compares with the drill's. */
export const SWARM_DEFAULTS = {
  update: { parallelism: 1, delayMs: 0, monitorMs: 5000, failureAction: 'pause', maxFailureRatio: 0 },
  rollback: { parallelism: 1, delayMs: 0, monitorMs: 5000, failureAction: 'pause', maxFailureRatio: 0 },
  restartDelayMs: 5000,
} as const;

const NS_PER_MS = 1_000_000;

/** The engine's `UpdateConfig` / `RollbackConfig` (durations in nanoseconds; a monitor of 0 would mean Swarm's 5s, so it is at least 1 ms). */
export function updateConfig(settings: { parallelism: number; delayMs: number; monitorMs: number; failureAction: string; maxFailureRatio: number }, order: 'start-first' | 'stop-first'): Record<string, unknown> {
  return {
    Parallelism: settings.parallelism,
    Delay: Math.round(settings.delayMs * NS_PER_MS),
    FailureAction: settings.failureAction,
    Monitor: Math.max(1, Math.round(settings.monitorMs)) * NS_PER_MS,
    MaxFailureRatio: settings.maxFailureRatio,
    Order: order,
  };
}

/** A scenario's settings over the drill defaults; `order` from the settings, else from the strategy (blue-green: start-first). */
export function effectiveUpdate(settings: SwarmUpdateSettings | undefined, strategy: 'blue-green' | 'recreate'): Required<SwarmUpdateSettings> {
  return {
    ...DRILL_UPDATE_DEFAULTS,
    ...stripUndefined(settings ?? {}),
    order: settings?.order ?? (strategy === 'recreate' ? 'stop-first' : 'start-first'),
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
