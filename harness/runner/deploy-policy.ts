import type { ResolvedRelease } from '../drivers/driver.ts';
import { evaluatePolicy, type PolicyViolation } from '../policy/policy-rule.ts';
import type { Drill } from './drill.ts';

/** Runs the config's policy rules on a release about to be deployed; the violations halt the deploy. */
export async function policyViolations(drill: Drill, service: string, name: string, release: ResolvedRelease): Promise<PolicyViolation[]> {
  if (drill.policy.length === 0) return [];
  const ref = drill.ctx.scenario.services[service]?.releases[name];
  const reference = ref === undefined ? release.source : typeof ref === 'string' ? ref : ref.bundle;
  const pinnedDigest = ref !== undefined && typeof ref !== 'string' ? ref.digest : undefined;
  return evaluatePolicy(drill.policy, {
    service,
    name,
    release,
    reference,
    ...(pinnedDigest ? { pinnedDigest } : {}),
    registration: drill.recorder?.registration(service, release.digest),
    now: new Date(),
  });
}
