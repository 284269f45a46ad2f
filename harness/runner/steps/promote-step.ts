import { failed, passed } from '../../checks/check-result.ts';
import { short } from '../../checks/lkg-equality-check.ts';
import { DrillbitError } from '../../errors.ts';
import type { ResolvedRelease } from '../../drivers/driver.ts';
import { gatePassed, scenarioGateChecks, type GateCheck } from '../../ledger/promotion-gate.ts';
import type { Step, StepGate } from '../../scenario/schema.ts';
import type { Drill } from '../drill.ts';

type PromoteStep = Extract<Step, { kind: 'promote' }>;

/**
 * Promotion inside a drill: the release becomes the service's LKG (what rollbacks go back
 * to and verification expects) only when its gate passes; a refused promotion leaves the
 * LKG as it was. Either way the ledger records it, with each check of the gate.
 */
export async function runPromoteStep(step: PromoteStep, drill: Drill): Promise<void> {
  const { timeline } = drill.ctx;
  const release = drill.release(step.service, step.release);
  const gate = resolveGate(step.gate, drill);
  const checks = [...(gate.checks ? await drillChecks(drill, step.service, release) : []), ...(gate.scenarios.length ? scenarioGateChecks((await drill.recorder?.history()) ?? [], step.service, release.digest, gate) : [])];
  const promoted = gatePassed(checks);
  const failedChecks = checks.filter((c) => !c.passed);
  const summary = promoted ? `gate passed (${checks.map((c) => c.name).join('; ')})` : `gate failed: ${failedChecks.map((c) => `${c.name}: ${c.message}`).join('; ') || 'the gate has no check'}`;
  if (promoted) {
    drill.lkg.set(step.service, release);
    if (!drill.promoted.has(step.service)) drill.promoted.set(step.service, new Set());
    drill.promoted.get(step.service)!.add(release.digest);
  }
  timeline.emit('promote', { service: step.service, release: step.release, digest: release.digest, promoted, message: summary });
  await drill.recorder?.record({ type: 'promote', service: step.service, version: release.version, digest: release.digest, outcome: promoted ? 'promoted' : 'refused', gate: { checks }, ...(step.reason ? { reason: step.reason } : {}) });
  const name = `promote ${step.service}@${step.release} is ${step.expect}`;
  if (step.expect === 'any') return;
  const asExpected = (step.expect === 'promoted') === promoted;
  const lkgNow = drill.lkg.get(step.service);
  const outcome = promoted ? `promoted: ${summary}` : `refused, the LKG stays ${lkgNow ? `${lkgNow.name} (${short(lkgNow.digest)})` : 'none'}: ${summary}`;
  drill.addCheck(asExpected ? passed(name, outcome, { checks }) : failed(name, outcome, { checks }));
}

function resolveGate(gate: PromoteStep['gate'], drill: Drill): StepGate {
  if (typeof gate !== 'string') return gate;
  const named = drill.gates[gate];
  if (!named) throw new DrillbitError('bad-input', `promote: no gate named "${gate}" in the config`, { hint: `the config's gates are ${Object.keys(drill.gates).join(', ') || 'none'}` });
  return { ...named, checks: true };
}

/** The drill's own evidence: every check so far passed, and the release is what serves, on every replica. */
async function drillChecks(drill: Drill, service: string, release: ResolvedRelease): Promise<GateCheck[]> {
  const checksSoFar = drill.checks;
  const bad = checksSoFar.filter((c) => c.status !== 'passed');
  const checks: GateCheck[] = [
    checksSoFar.length === 0
      ? { name: 'checks of the drill so far', passed: false, message: 'no data: no check has run yet (add a steady state before the promotion)' }
      : { name: 'checks of the drill so far', passed: bad.length === 0, message: bad.length ? bad.map((c) => `${c.name} ${c.status}`).join('; ') : `${checksSoFar.length} passed` },
  ];
  const observed = (await drill.environment().observe())[service];
  const serving = observed?.replicas.filter((r) => r.serving) ?? [];
  const others = serving.filter((r) => r.digest !== release.digest || !r.healthy);
  const want = drill.ctx.scenario.services[service]?.replicas ?? 1;
  const servingOk = serving.length === want && others.length === 0;
  checks.push({
    name: `${service} serves ${short(release.digest)}`,
    passed: servingOk,
    message: servingOk ? `${serving.length} healthy replicas run it` : serving.length === 0 ? 'no replica serves' : `${serving.length} serving replicas (want ${want}), ${others.length} of them on another release or unhealthy`,
  });
  return checks;
}
