import { driftCheck } from '../checks/drift-check.ts';
import type { Digest } from '../drivers/driver.ts';
import { desiredState } from '../drift/desired-state.ts';
import { describeDiff, detectDrift } from '../drift/drift-detector.ts';
import type { Drill } from './drill.ts';

/**
 * Drift detection after a drill: what runs is compared with what the drill's ledger entries
 * say should run (the newest deploy or rollback of each service). A drill that deployed
 * nothing has nothing to compare.
 */
export async function checkDrift(drill: Drill, expect: 'none' | 'drift' = 'none'): Promise<void> {
  const recorder = drill.recorder;
  if (!recorder || !recorder.entries.some((e) => e.type === 'deploy' && e.outcome === 'deployed')) return;
  const desired = desiredState(recorder.entries, {
    registration: (service, digest) => recorder.registration(service, digest),
    release: (service, digest: Digest) => [...(drill.releases.get(service)?.values() ?? [])].find((r) => r.digest === digest),
  });
  const { diffs, unobservable } = await detectDrift(drill.environment(), desired);
  if (diffs.length) drill.ctx.timeline.emit('drift', { message: diffs.map(describeDiff).join('; '), diffs });
  const check = driftCheck(desired, diffs, unobservable);
  // Expecting drift (a drill that proves detection): caught is a pass, missed a failure.
  if (expect === 'drift' && check.status !== 'unknown') drill.addCheck({ ...check, name: `${check.name} catches the drift`, status: check.status === 'failed' ? 'passed' : 'failed', message: check.status === 'failed' ? `caught: ${check.message}` : `no drift was found: ${check.message}` });
  else drill.addCheck(check);
}
