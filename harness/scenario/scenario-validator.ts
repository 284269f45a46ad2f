import { scenarioSchema, type Scenario } from './schema.ts';
import { formatPath, type Problem } from './problem.ts';
import { checkFaultReferences } from './fault-reference-check.ts';
import { issueText } from '../util/issue-text.ts';
import { CLIENT } from '../drivers/driver.ts';

/** Validates one scenario value: schema first, then references between its parts; every problem at once. */
export function validateScenario(value: unknown, file: string, pathPrefix = ''): { scenario?: Scenario; problems: Problem[] } {
  const parsed = scenarioSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => ({ file, path: join(pathPrefix, formatPath(issue.path)), message: issueText(issue, value, scenarioSchema) }));
    return { problems: [...problems, ...referenceProblems(value, file, pathPrefix)] };
  }
  const problems = referenceProblems(parsed.data, file, pathPrefix);
  return problems.length ? { problems } : { scenario: Object.freeze(parsed.data) as Scenario, problems };
}

function join(prefix: string, path: string): string {
  if (!prefix) return path;
  if (!path) return prefix;
  return path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`;
}

/** Cross-references that a schema cannot express; tolerant of a value that failed the schema. */
function referenceProblems(value: unknown, file: string, prefix: string): Problem[] {
  const problems: Problem[] = [];
  const add = (path: string, message: string) => problems.push({ file, path: join(prefix, path), message });
  if (!isRecord(value)) return problems;
  const services = isRecord(value.services) ? value.services : {};
  const serviceNames = Object.keys(services);
  const releasesOf = (service: string): string[] => {
    const spec = services[service];
    return isRecord(spec) && isRecord(spec.releases) ? Object.keys(spec.releases) : [];
  };
  // A compose file may define more services; references to them are checked once it is read (environment-preflight.ts).
  const composed = hasComposeEnvironment(value);
  const external = isRecord(value.external) ? value.external : {};
  // A name that is both (reported below) counts as the service.
  const isExternal = (name: unknown): boolean => typeof name === 'string' && Object.hasOwn(external, name) && !Object.hasOwn(services, name);
  const knownService = (path: string, service: unknown): boolean => {
    if (isExternal(service)) {
      add(path, `${JSON.stringify(service)} is an external dependency (external.${String(service)}): the drill does not run it; name a service of the scenario`);
      return false;
    }
    if (typeof service !== 'string' || Object.hasOwn(services, service) || composed) return true;
    add(path, `unknown service ${JSON.stringify(service)}; the scenario defines ${list(serviceNames)}`);
    return false;
  };
  for (const name of Object.keys(external)) {
    if (Object.hasOwn(services, name)) add(`external.${name}`, `${JSON.stringify(name)} is also a service of the scenario; an external dependency is one the drill does not run, so rename one of them`);
    if (name === CLIENT) add(`external.${CLIENT}`, `"${CLIENT}" names the traffic's side of a link; call the dependency something else`);
  }
  const knownRelease = (path: string, service: string, release: unknown) => {
    if (typeof release !== 'string' || releasesOf(service).includes(release)) return;
    add(path, `unknown release ${JSON.stringify(release)} of service ${JSON.stringify(service)}; it has ${list(releasesOf(service))}`);
  };

  for (const [name, spec] of Object.entries(services)) {
    if (isRecord(spec) && spec.lkg !== undefined) knownRelease(`services.${name}.lkg`, name, spec.lkg);
    if (isRecord(spec) && spec.lkg !== undefined && spec.lkgFromLedger === true) add(`services.${name}.lkgFromLedger`, 'set either lkg or lkgFromLedger, not both');
  }
  const traffic = isRecord(value.traffic) ? value.traffic : undefined;
  if (traffic) knownService('traffic.target', traffic.target);

  const steps = Array.isArray(value.steps) ? value.steps : [];
  const deployed = new Set<string>();
  steps.forEach((step: unknown, i) => {
    if (!isRecord(step)) return;
    const at = `steps[${i}]`;
    if ('service' in step && step.service !== undefined && !knownService(`${at}.service`, step.service)) return;
    const service = typeof step.service === 'string' ? step.service : undefined;
    if (step.kind === 'deploy' && service) {
      knownRelease(`${at}.release`, service, step.release);
      deployed.add(service);
    }
    if (step.kind === 'promote' && service) {
      knownRelease(`${at}.release`, service, step.release);
      if (!deployed.has(service)) add(at, `promote of ${JSON.stringify(service)} before any deploy of it`);
    }
    if (step.kind === 'rollback' && service) {
      if (step.to !== undefined) knownRelease(`${at}.to`, service, step.to);
      if (!deployed.has(service)) add(at, `rollback of ${JSON.stringify(service)} before any deploy of it`);
    }
    if (step.kind === 'expectRollback' && !value.guard && deployed.size === 0) {
      add(at, 'expectRollback needs a guard (scenario.guard) or a deploy before it');
    }
    if (step.kind === 'steady' && !traffic) add(at, 'a steady-state window needs traffic (scenario.traffic) to measure');
  });
  if (Object.hasOwn(services, CLIENT)) add(`services.${CLIENT}`, `"${CLIENT}" names the traffic's side of a link; call the service something else`);
  for (const [name, spec] of Object.entries(services)) {
    if (!isRecord(spec) || !Array.isArray(spec.dependsOn)) continue;
    spec.dependsOn.forEach((dep: unknown, i) => {
      if (dep === name) add(`services.${name}.dependsOn[${i}]`, 'a service cannot depend on itself');
      else if (!isExternal(dep)) knownService(`services.${name}.dependsOn[${i}]`, dep);
    });
  }
  checkFaultReferences(value, add);
  if (traffic && typeof traffic.target === 'string' && Object.hasOwn(services, traffic.target) && !deployed.has(traffic.target)) {
    add('steps', `no step deploys the traffic target ${JSON.stringify(traffic.target)}`);
  }
  return problems;
}

/** Whether the scenario names a compose file, whose services it may reference without listing them. */
export function hasComposeEnvironment(value: Record<string, unknown>): boolean {
  return isRecord(value.environment) && typeof value.environment.compose === 'string';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function list(names: string[]): string {
  return names.length ? names.map((n) => JSON.stringify(n)).join(', ') : 'none';
}
