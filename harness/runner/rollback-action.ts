import type { ResolvedRelease } from '../drivers/driver.ts';
import type { Drill } from './drill.ts';

/** Rolls a service back to `target`, on the timeline: `rollback-start` is the decision, `rollback` the switch. */
export async function rollbackService(drill: Drill, service: string, target: ResolvedRelease, cause: { planned: boolean; reason: string }): Promise<void> {
  const { timeline } = drill.ctx;
  drill.guard?.disarm(service);
  const start = timeline.emit('rollback-start', { service, release: target.name, digest: target.digest, planned: cause.planned, message: cause.reason });
  await drill.exclusive(service, () => drill.environment().rollback(service, target));
  drill.current.set(service, target);
  timeline.emit('rollback', { service, release: target.name, digest: target.digest, durationMs: Math.round(timeline.now() - start.tMs) });
}
