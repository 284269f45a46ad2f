import { findFaultType, faultTypeNames } from '../faults/fault-registry.ts';
import { tryParseDuration } from '../util/duration.ts';
import { formatPath } from './problem.ts';

type Add = (path: string, message: string) => void;

/** Faults in steps and on the schedule: a known type, valid params, a target that exists and suits the type. */
export function checkFaultReferences(value: Record<string, unknown>, add: Add): void {
  const services = isRecord(value.services) ? value.services : {};
  const external = new Set(isRecord(value.external) ? Object.keys(value.external).filter((name) => !Object.hasOwn(services, name)) : []);
  // Compose services and their depends_on are checked once the compose file is read (environment-preflight.ts).
  const composed = isRecord(value.environment) && typeof value.environment.compose === 'string';
  const steps = Array.isArray(value.steps) ? value.steps : [];
  steps.forEach((step: unknown, i) => {
    if (isRecord(step) && step.kind === 'fault') checkFault(step, `steps[${i}]`, { services, external, composed }, add);
  });
  const scheduled = Array.isArray(value.faults) ? value.faults : [];
  scheduled.forEach((fault: unknown, i) => {
    if (!isRecord(fault)) return;
    checkFault(fault, `faults[${i}]`, { services, external, composed }, add);
    checkBetween(fault.at, `faults[${i}].at`, add);
  });
}

/** What a fault may target: the scenario's services (more with a compose file) and its external dependencies' links. */
interface Targets {
  services: Record<string, unknown>;
  external: ReadonlySet<string>;
  composed: boolean;
}

function checkFault(fault: Record<string, unknown>, at: string, targets: Targets, add: Add): void {
  if (typeof fault.fault !== 'string') return;
  const type = findFaultType(fault.fault);
  if (!type) {
    add(`${at}.fault`, `unknown fault type ${JSON.stringify(fault.fault)}; known: ${faultTypeNames().join(', ')}`);
    return;
  }
  const params = type.params.safeParse(fault.params ?? {});
  if (!params.success) {
    for (const issue of params.error.issues) add(`${at}.params${issue.path.length ? `.${formatPath(issue.path)}` : ''}`, issue.message);
  }
  checkTarget(fault.target, type.targets, `${at}.target`, targets, fault.fault, add);
  const toward = typeof fault.target === 'string' ? fault.target : isRecord(fault.target) ? (fault.target.to ?? fault.target.service) : undefined;
  if (fault.fault === 'partition' && isRecord(fault.params) && fault.params.mode === 'disconnect' && typeof toward === 'string' && targets.external.has(toward)) {
    add(`${at}.params.mode`, `"disconnect" takes the target's containers off the run's network, and the external dependency ${JSON.stringify(toward)} has none the drill runs; use "refuse" or "blackhole" (they cut the link at its fault proxy)`);
  }
  if (type.needsDuration && fault.for === undefined) add(at, `fault ${fault.fault} needs a duration: add for: "5s"`);
  if (fault.wait === true && fault.for === undefined) add(`${at}.wait`, 'wait needs a duration (for) to wait for');
}

function checkTarget(target: unknown, kind: string, at: string, { services, external, composed }: Targets, name: string, add: Add): void {
  const known = (service: unknown, path: string): boolean => {
    if (typeof service !== 'string' || Object.hasOwn(services, service)) return true;
    // The drill does not run an external dependency: only the network between a service and it can fail.
    if (external.has(service)) {
      if (kind === 'link') return true;
      add(path, `${JSON.stringify(service)} is an external dependency: the drill does not run it, so fault ${name} (which acts on a ${kind}) cannot; a network fault on its links can`);
      return false;
    }
    if (composed) return true;
    add(path, `unknown service ${JSON.stringify(service)}; the scenario defines ${Object.keys(services).map((s) => JSON.stringify(s)).join(', ') || 'none'}`);
    return false;
  };
  if (typeof target === 'string') {
    known(target, at);
    return;
  }
  if (!isRecord(target)) return;
  if ('from' in target) {
    if (kind !== 'link') add(at, `fault ${name} acts on a ${kind}, not on a link between services`);
    if (typeof target.from === 'string' && external.has(target.from)) {
      add(`${at}.from`, `${JSON.stringify(target.from)} is an external dependency: a link goes from a service of the drill to it`);
      return;
    }
    if (!known(target.from, `${at}.from`) || !(external.has(target.to as string) || known(target.to, `${at}.to`))) return;
    const from = services[target.from as string];
    const deps = isRecord(from) && Array.isArray(from.dependsOn) ? from.dependsOn : [];
    if (!deps.includes(target.to) && !composed) add(at, `${JSON.stringify(target.from)} does not depend on ${JSON.stringify(target.to)}; add it to services.${String(target.from)}.dependsOn`);
    return;
  }
  if (!known(target.service, `${at}.service`)) return;
  if (kind === 'link') add(at, `fault ${name} acts on the network: target a service (all its inbound links) or { from, to }`);
  if (kind === 'service' && target.replica !== undefined) add(`${at}.replica`, `fault ${name} acts on a whole service, not one replica`);
  const spec = services[target.service as string];
  const replicas = isRecord(spec) && typeof spec.replicas === 'number' ? spec.replicas : 1;
  if (typeof target.replica === 'number' && target.replica >= replicas) add(`${at}.replica`, `replica ${target.replica} does not exist; ${String(target.service)} has ${replicas} (0..${replicas - 1})`);
}

function checkBetween(at: unknown, path: string, add: Add): void {
  if (!isRecord(at) || !Array.isArray(at.between)) return;
  const [from, to] = at.between.map((d) => tryParseDuration(d));
  if (from !== undefined && to !== undefined && from > to) add(`${path}.between`, 'the range starts after it ends');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
