import { DeployRejectedError } from '../../drivers/deploy-rejected-error.ts';
import { DrillbitError } from '../../errors.ts';
import { failed, passed } from '../../checks/check-result.ts';
import type { Step } from '../../scenario/schema.ts';
import type { Drill } from '../drill.ts';
import { startTrafficIfTarget } from '../traffic-phase.ts';
import type { ResolvedRelease } from '../../drivers/driver.ts';
import { policyViolations } from '../deploy-policy.ts';

type DeployStep = Extract<Step, { kind: 'deploy' }>;

/**
 * Rolls out a release. A release other than the LKG is a candidate: the guard watches it
 * from the moment it takes traffic. A candidate that never becomes healthy is rejected and
 * the LKG keeps serving — which is itself a detected, rolled-back rollout.
 */
export async function runDeployStep(step: DeployStep, drill: Drill): Promise<void> {
  const { timeline } = drill.ctx;
  const release = drill.release(step.service, step.release);
  const lkg = drill.lkg.get(step.service);
  if (await haltedByPolicy(step, drill, release, lkg !== undefined)) return;
  const isCandidate = lkg !== undefined && lkg.digest !== release.digest;
  const started = timeline.emit('deploy-start', { service: step.service, release: step.release, digest: release.digest, version: release.version });
  if (isCandidate) drill.candidateSince.set(step.service, started.tMs);
  drill.guard?.disarm(step.service);
  const checkName = `deploy ${step.service}@${step.release} is ${step.expect}`;
  try {
    await drill.exclusive(step.service, () => drill.environment().deploy(step.service, release));
  } catch (error) {
    if (!(error instanceof DeployRejectedError)) throw error;
    timeline.emit('deploy-rejected', { service: step.service, release: step.release, digest: release.digest, message: error.reason });
    recordDeploy(drill, step, release, 'rejected', error.reason);
    if (!lkg) throw new DrillbitError('deploy-rejected', `the first release of ${step.service} (${step.release}) never became healthy: ${error.reason}`);
    if (step.expect === 'healthy') drill.addCheck(failed(checkName, `rejected: ${error.reason}`));
    if (step.expect === 'rejected') drill.addCheck(passed(checkName, `rejected before taking traffic: ${error.reason}`));
    return;
  }
  const deployed = timeline.emit('deploy', { service: step.service, release: step.release, digest: release.digest, durationMs: Math.round(timeline.now() - started.tMs) });
  drill.current.set(step.service, release);
  recordDeploy(drill, step, release, 'deployed');
  if (!drill.lkg.has(step.service)) drill.lkg.set(step.service, release);
  if (step.expect === 'rejected') drill.addCheck(failed(checkName, 'the release became healthy and took traffic'));
  if (step.expect === 'healthy') drill.addCheck(passed(checkName, 'healthy and serving'));
  if (isCandidate) drill.guard?.arm(step.service, deployed.tMs);
  startTrafficIfTarget(drill, step.service);
}

/**
 * The config's policy rules, before anything is deployed: a violation halts the deploy
 * (a failed check naming each rule). Halting the first deploy of a service stops the
 * drill: there is nothing to run it against.
 */
async function haltedByPolicy(step: DeployStep, drill: Drill, release: ResolvedRelease, hasLkg: boolean): Promise<boolean> {
  const violations = await policyViolations(drill, step.service, step.release, release);
  if (violations.length === 0) return false;
  const message = violations.map((v) => `${v.rule}: ${v.message}`).join('; ');
  drill.ctx.timeline.emit('deploy-halted', { service: step.service, release: step.release, digest: release.digest, message });
  recordDeploy(drill, step, release, 'halted', message);
  drill.addCheck(failed(`policy allows deploy ${step.service}@${step.release}`, message, { violations }));
  if (!hasLkg) {
    drill.stopReason = `policy halted the first deploy of ${step.service} (${step.release})`;
    throw new DrillbitError('aborted', drill.stopReason);
  }
  return true;
}

function recordDeploy(drill: Drill, step: DeployStep, release: ResolvedRelease, outcome: 'deployed' | 'rejected' | 'halted', reason?: string): void {
  drill.recorder?.recordInBackground({
    type: 'deploy',
    service: step.service,
    version: release.version,
    digest: release.digest,
    outcome,
    release: step.release,
    attempt: drill.ctx.attempt,
    replicas: drill.ctx.scenario.services[step.service]?.replicas ?? 1,
    driver: drill.recorder.identity.driver,
    ...(reason ? { reason } : {}),
  });
}
