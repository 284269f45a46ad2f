import type { StartedEnvironment } from '../drivers/driver.ts';
import type { Logger } from './logger.ts';
import type { EventType, TimelineEvent } from './timeline.ts';
import type { SeededRandom } from '../util/seeded-random.ts';

/** What a custom `step(name, fn)` can use: the environment, the timeline and the run's seed. */
export interface StepContext {
  readonly env: StartedEnvironment;
  /** Stable address of a service (survives deploys and rollbacks). */
  address(service: string): URL;
  /** Adds an event to the drill's timeline. */
  emit(type: EventType, fields?: Omit<TimelineEvent, 'tMs' | 'type'>): TimelineEvent;
  readonly log: Logger;
  readonly signal: AbortSignal;
  readonly random: SeededRandom;
}
