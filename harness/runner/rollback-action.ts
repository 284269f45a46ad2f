import type { ResolvedRelease } from '../drivers/driver.ts';
import type { Drill } from './drill.ts';

/** Rolls a service back to `target`, on the timeline: `rollback-start` is the decision, `rollback` the switch. */
export async function rollbackService(drill: Drill, service: string, target: ResolvedRelease, cause: { planned: boolean; reason: string }): Promise<void> {
  const { timeline } = drill.ctx;
  drill.guard?.disarm(service);
  const start = timeline.emit('rollback-start', { service, release: target.name, digest: target.digest, planned: cause.planned, message: cause.reason });
  await drill.exclusive(service, () => drill.environment().rollback(service, target));
  const from = drill.current.get(service);
  drill.current.set(service, target);
  // A rollback to a release promoted in this drill makes it the LKG again (lkg.ts does the same on the ledger).
  if (drill.promoted.get(service)?.has(target.digest)) drill.lkg.set(service, target);
  timeline.emit('rollback', { service, release: target.name, digest: target.digest, durationMs: Math.round(timeline.now() - start.tMs) });
  drill.recorder?.recordInBackground({ type: 'rollback', service, ...(from ? { from: from.digest } : {}), to: target.digest, version: target.version, planned: cause.planned, reason: cause.reason });
}
