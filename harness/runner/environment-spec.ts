import { CLIENT, type EnvironmentSpec, type LinkSpec } from '../drivers/driver.ts';
import { findFaultType } from '../faults/fault-registry.ts';
import type { Scenario } from '../scenario/schema.ts';
import { parseDuration } from '../util/duration.ts';
import type { SwarmUpdateSettings } from '../drivers/driver.ts';

/**
 * What the driver must build for a scenario: its services, and the links that go through
 * fault proxies — every dependency (external ones included), and the traffic's path to its target when a network
 * fault acts on that target (otherwise the traffic goes straight to the stable address).
 */
export function environmentSpec(scenario: Scenario): EnvironmentSpec {
  const services = Object.fromEntries(Object.entries(scenario.services).map(([name, s]) => [name, { replicas: s.replicas, strategy: s.strategy, dependsOn: s.dependsOn, ...(s.update ? { update: swarmUpdate(s.update) } : {}) }]));
  const links: LinkSpec[] = Object.entries(scenario.services).flatMap(([from, s]) => s.dependsOn.map((to) => ({ from, to })));
  const target = scenario.traffic?.target;
  if (target && networkFaultTargets(scenario).has(target)) links.push({ from: CLIENT, to: target });
  return { services, links, ...(scenario.external ? { external: { ...scenario.external } } : {}), ...(scenario.faultProxy ? { faultProxy: scenario.faultProxy } : {}) };
}

/** Services whose inbound links a network fault acts on. */
function networkFaultTargets(scenario: Scenario): Set<string> {
  const faults = [...scenario.steps.flatMap((s) => (s.kind === 'fault' ? [s] : [])), ...scenario.faults];
  const targets = new Set<string>();
  for (const fault of faults) {
    if (findFaultType(fault.fault)?.targets !== 'link') continue;
    if (typeof fault.target === 'string') targets.add(fault.target);
    else if ('service' in fault.target) targets.add(fault.target.service);
  }
  return targets;
}

/** A scenario's `services.<svc>.update`, durations in ms, as the swarm driver takes it. */
function swarmUpdate(update: NonNullable<Scenario['services'][string]['update']>): SwarmUpdateSettings {
  return {
    parallelism: update.parallelism,
    delayMs: update.delay === undefined ? undefined : parseDuration(update.delay),
    order: update.order,
    monitorMs: update.monitor === undefined ? undefined : parseDuration(update.monitor),
    failureAction: update.failureAction,
    maxFailureRatio: update.maxFailureRatio,
  };
}
