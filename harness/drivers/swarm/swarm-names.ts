import { createHash } from 'node:crypto';
import { AttemptNames, LABELS } from '../docker/docker-names.ts';

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
    const cleaned = service.replace(/[^a-zA-Z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 32) || 'x';
    const name = `drillbit-${this.key}-${cleaned}`;
    if (cleaned === service && SERVICE_NAME_RE.test(name)) return name;
    return `${name}-${createHash('sha256').update(service).digest('hex').slice(0, 6)}`;
  }

  /** The labels of a service of the attempt (and of its tasks' containers). */
  serviceLabels(service: string): Record<string, string> {
    return this.labels({ [LABELS.service]: service });
  }
}

export function isValidServiceName(name: string): boolean {
  return name.length <= 63 && SERVICE_NAME_RE.test(name);
}
