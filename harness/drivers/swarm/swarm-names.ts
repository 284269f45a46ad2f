import { createHash } from 'node:crypto';
import { AttemptNames, LABELS } from '../docker/docker-names.ts';

/** The label `docker stack deploy` puts on a stack's services: `docker stack ls` lists an attempt's services as one stack by it. */
export const STACK_NAMESPACE_LABEL = 'com.docker.stack.namespace';

/** Swarm service names: `[a-zA-Z0-9]` with inner `-`, at most 63 characters (a DNS label). */
const SERVICE_NAME_RE = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/;

/**
 * Names of one attempt's swarm resources: the docker driver's attempt names and labels
 * (`drillbit.run`, `drillbit.attempt`, `drillbit.workdir`), plus one service name per
 * scenario service. A scenario name that is not a valid service name (`hostile.name`) is
 * rewritten and suffixed with a hash of the original, so two scenario services never meet
 * on one swarm service.
 */
export class SwarmNames extends AttemptNames {
  /** `drillbit-<attempt key>-<service>`, e.g. `drillbit-3fa2c01b9e-shop`. */
  service(service: string): string {
    return `drillbit-${this.key}-${serviceNamePart(service)}`;
  }

  /** The labels of a service of the attempt (and of its tasks' containers); the attempt's services show as one stack in `docker stack ls`. */
  serviceLabels(service: string): Record<string, string> {
    return this.labels({ [LABELS.service]: service, [STACK_NAMESPACE_LABEL]: this.stack });
  }

  /** The stack the attempt's services form (`docker stack ps drillbit-<attempt key>`). */
  get stack(): string {
    return `drillbit-${this.key}`;
  }
}

/** A scenario service's part of its swarm service name: itself when valid, else rewritten and suffixed with a hash of the original. */
export function serviceNamePart(service: string): string {
  const cleaned = service.replace(/[^a-zA-Z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 32) || 'x';
  if (cleaned === service && SERVICE_NAME_RE.test(`drillbit-${cleaned}`)) return cleaned;
  return `${cleaned}-${createHash('sha256').update(service).digest('hex').slice(0, 6)}`;
}

/** Scenario services that would meet on one swarm service name, one line per clash (bad input before anything starts). */
export function serviceNameClashes(services: readonly string[]): string[] {
  const seen = new Map<string, string>();
  const clashes: string[] = [];
  for (const service of services) {
    const part = serviceNamePart(service);
    const other = seen.get(part);
    if (other !== undefined) clashes.push(`services "${other}" and "${service}" map to one swarm service name (drillbit-<attempt>-${part}); rename one of them: swarm service names use letters, digits and "-"`);
    else seen.set(part, service);
  }
  return clashes;
}

export function isValidServiceName(name: string): boolean {
  return name.length <= 63 && SERVICE_NAME_RE.test(name);
}
