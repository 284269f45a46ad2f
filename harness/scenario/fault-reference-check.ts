import { findFaultType, faultTypeNames } from '../faults/fault-registry.ts';
import { tryParseDuration } from '../util/duration.ts';
import { formatPath } from './problem.ts';

type Add = (path: string, message: string) => void;

/** Faults in steps and on the schedule: a known type, valid params, a target that exists and suits the type. */
export function checkFaultReferences(value: Record<string, unknown>, add: Add): void {
  const services = isRecord(value.services) ? value.services : {};
  // Compose services and their depends_on are checked once the compose file is read (environment-preflight.ts).
  const composed = isRecord(value.environment) && typeof value.environment.compose === 'string';
  const steps = Array.isArray(value.steps) ? value.steps : [];
  steps.forEach((step: unknown, i) => {
    if (isRecord(step) && step.kind === 'fault') checkFault(step, `steps[${i}]`, services, add, composed);
  });
  const scheduled = Array.isArray(value.faults) ? value.faults : [];
  scheduled.forEach((fault: unknown, i) => {
    if (!isRecord(fault)) return;
    checkFault(fault, `faults[${i}]`, services, add, composed);
    checkBetween(fault.at, `faults[${i}].at`, add);
  });
}

function checkFault(fault: Record<string, unknown>, at: string, services: Record<string, unknown>, add: Add, composed: boolean): void {
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
  checkTarget(fault.target, type.targets, `${at}.target`, services, fault.fault, add, composed);
  if (type.needsDuration && fault.for === undefined) add(at, `fault ${fault.fault} needs a duration: add for: "5s"`);
  if (fault.wait === true && fault.for === undefined) add(`${at}.wait`, 'wait needs a duration (for) to wait for');
}

function checkTarget(target: unknown, kind: string, at: string, services: Record<string, unknown>, name: string, add: Add, composed: boolean): void {
  const known = (service: unknown, path: string): boolean => {
    if (typeof service !== 'string' || Object.hasOwn(services, service) || composed) return true;
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
    if (!known(target.from, `${at}.from`) || !known(target.to, `${at}.to`)) return;
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
