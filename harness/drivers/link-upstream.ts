import { DrillbitError } from '../errors.ts';
import type { HostPort } from '../proxy/host-port.ts';
import { parseTargetAddress } from '../scenario/target-allowance.ts';
import type { EnvironmentSpec, LinkSpec } from './driver.ts';

/**
 * Where a link to `to` forwards: an external dependency's own address (the scenario's
 * `external`), or the stable address (front proxy) of a service of the environment.
 */
export function linkUpstream(spec: EnvironmentSpec, to: string, frontProxy: (service: string) => URL): HostPort {
  const external = spec.external?.[to];
  if (external === undefined) {
    const url = frontProxy(to);
    return { host: url.hostname, port: Number(url.port) };
  }
  const address = parseTargetAddress(external);
  if (!address) throw new DrillbitError('bad-input', `external dependency ${to}: ${JSON.stringify(external)} is not host:port`);
  return address;
}

/** Every dependency a service lists is a service of the environment or one of its external dependencies. */
export function assertDependenciesExist(spec: EnvironmentSpec): void {
  for (const [name, service] of Object.entries(spec.services)) {
    for (const dep of service.dependsOn ?? []) {
      if (!spec.services[dep] && spec.external?.[dep] === undefined) throw new DrillbitError('bad-input', `service "${name}" depends on "${dep}", which this environment does not have`);
    }
  }
}

/** Every dependency edge of the environment (`from` depends on `to`), external dependencies included. */
export function dependencyLinks(spec: EnvironmentSpec): LinkSpec[] {
  return Object.entries(spec.services).flatMap(([from, s]) => (s.dependsOn ?? []).map((to) => ({ from, to })));
}
