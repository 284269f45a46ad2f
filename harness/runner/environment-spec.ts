import { CLIENT, type EnvironmentSpec, type LinkSpec } from '../drivers/driver.ts';
import { findFaultType } from '../faults/fault-registry.ts';
import type { Scenario } from '../scenario/schema.ts';

/**
 * What the driver must build for a scenario: its services, and the links that go through
 * fault proxies — every dependency, and the traffic's path to its target when a network
 * fault acts on that target (otherwise the traffic goes straight to the stable address).
 */
export function environmentSpec(scenario: Scenario): EnvironmentSpec {
  const services = Object.fromEntries(Object.entries(scenario.services).map(([name, s]) => [name, { replicas: s.replicas, strategy: s.strategy, dependsOn: s.dependsOn }]));
  const links: LinkSpec[] = Object.entries(scenario.services).flatMap(([from, s]) => s.dependsOn.map((to) => ({ from, to })));
  const target = scenario.traffic?.target;
  if (target && networkFaultTargets(scenario).has(target)) links.push({ from: CLIENT, to: target });
  return { services, links, ...(scenario.faultProxy ? { faultProxy: scenario.faultProxy } : {}) };
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
