import type { Driver, EnvironmentSpec, ReleasesByService } from '../drivers/driver.ts';
import { DrillbitError, errorMessage } from '../errors.ts';
import { formatProblem, type Problem } from '../scenario/problem.ts';
import { resolveReleasePath } from '../scenario/scenario-files.ts';
import type { LoadedScenario } from '../scenario/scenario-loader.ts';
import type { FaultTargetInput, Scenario } from '../scenario/schema.ts';
import { environmentSpec } from './environment-spec.ts';
import type { Logger } from './logger.ts';

/** A scenario the run's driver cannot run, and why: listed in the results, never run. */
export interface SkippedScenario {
  name: string;
  file: string;
  reason: string;
}

/** What one scenario's attempts run against: the environment the driver builds, and the releases the drill deploys. */
export interface ScenarioEnvironment {
  spec: EnvironmentSpec;
  releases: ReleasesByService;
}

/** Why `driver` cannot run `scenario`, or undefined when it can. */
export function unsupportedReason(scenario: Scenario, driver: Driver): string | undefined {
  if (scenario.environment?.compose !== undefined && !driver.resolveEnvironment) return `compose environments need --driver docker or swarm (this run uses --driver ${driver.name})`;
  const orchestrated = Object.keys(scenario.services).filter((name) => scenario.services[name]!.update !== undefined);
  if (orchestrated.length && !driver.orchestratedUpdates) return `an orchestrator's rolling update (services.${orchestrated[0]}.update) needs --driver swarm (this run uses --driver ${driver.name})`;
  return undefined;
}

/**
 * Scenarios the driver runs, and the ones it skips (a compose environment on the local
 * driver). When it can run none of them, that is bad input: the run would prove nothing.
 */
export function partitionByDriver(scenarios: readonly LoadedScenario[], driver: Driver): { runnable: LoadedScenario[]; skipped: SkippedScenario[] } {
  const runnable: LoadedScenario[] = [];
  const skipped: SkippedScenario[] = [];
  for (const loaded of scenarios) {
    const reason = unsupportedReason(loaded.scenario, driver);
    if (reason) skipped.push({ name: loaded.scenario.name, file: loaded.displayFile, reason });
    else runnable.push(loaded);
  }
  if (runnable.length === 0 && skipped.length > 0) {
    const swarmOnly = skipped.every((s) => s.reason.includes('--driver swarm'));
    throw new DrillbitError('bad-input', skipped.map((s) => `${s.file}: ${s.reason}`).join('\n'), { hint: swarmOnly ? 'run it with --driver swarm (a Docker engine that is a swarm manager is needed)' : 'run it with --driver docker (a Docker engine and docker-compose are needed)' });
  }
  return { runnable, skipped };
}

/**
 * Each scenario's environment, before anything starts: its services as written, or — with
 * `environment.compose` — the compose file merged in by the driver (bad input names the
 * file and the compose tool's message). References to services are then checked against
 * the whole environment. Every problem of every scenario is reported at once.
 */
export async function resolveEnvironments(
  scenarios: readonly LoadedScenario[],
  driver: Driver,
  releases: ReadonlyMap<LoadedScenario, ReleasesByService>,
  options: { storeDir: string; cwd: string; log: Logger },
): Promise<Map<LoadedScenario, ScenarioEnvironment>> {
  const environments = new Map<LoadedScenario, ScenarioEnvironment>();
  const problems: string[] = [];
  for (const loaded of scenarios) {
    const base = environmentSpec(loaded.scenario);
    const own = releases.get(loaded) ?? new Map();
    const compose = loaded.scenario.environment?.compose;
    let environment: ScenarioEnvironment = { spec: base, releases: own };
    if (compose !== undefined && driver.resolveEnvironment) {
      try {
        const resolved = await driver.resolveEnvironment(base, { compose: resolveReleasePath(compose, loaded.file, options.cwd) }, own, { storeDir: options.storeDir });
        for (const warning of resolved.warnings) options.log.warn(warning);
        problems.push(...serviceReferenceProblems(loaded, resolved.spec).map(formatProblem));
        environment = { spec: resolved.spec, releases: resolved.releases };
      } catch (error) {
        // No engine (or no compose tool) is not bad input: exit 3, with the hint to fix it.
        if (error instanceof DrillbitError && error.code === 'infrastructure') throw error;
        problems.push(`${loaded.displayFile}: environment.compose: ${errorMessage(error)}`);
        continue;
      }
    }
    problems.push(...(driver.environmentProblems?.(environment.spec) ?? []).map((p) => `${loaded.displayFile}: services: ${p}`));
    environments.set(loaded, environment);
  }
  if (problems.length) throw new DrillbitError('bad-input', problems.join('\n'), { hint: 'a service a scenario names must be in its services or its compose file' });
  return environments;
}

/**
 * The references validation left to now (scenario-validator.ts defers them for compose
 * scenarios): services named by the traffic, steps and faults exist in the environment, and
 * a link fault's edge is a dependency (the scenario's dependsOn or the compose depends_on).
 */
export function serviceReferenceProblems(loaded: LoadedScenario, spec: EnvironmentSpec): Problem[] {
  const { scenario, displayFile: file } = loaded;
  const problems: Problem[] = [];
  const names = Object.keys(spec.services);
  const known = (path: string, service: string | undefined): boolean => {
    if (service === undefined || Object.hasOwn(spec.services, service)) return true;
    problems.push({ file, path, message: `unknown service ${JSON.stringify(service)}; the scenario and its compose file define ${names.map((n) => JSON.stringify(n)).join(', ')}` });
    return false;
  };
  // External dependencies were checked with the scenario (scenario-validator.ts): a service may depend on one, a network fault may act on its links.
  const external = (name: string) => spec.external?.[name] !== undefined;
  const target = (path: string, t: FaultTargetInput) => {
    if (typeof t === 'string') return void (external(t) || known(path, t));
    if ('service' in t) return void (external(t.service) || known(`${path}.service`, t.service));
    if (!known(`${path}.from`, t.from) || !(external(t.to) || known(`${path}.to`, t.to))) return;
    if (!(spec.services[t.from]!.dependsOn ?? []).includes(t.to)) problems.push({ file, path, message: `${JSON.stringify(t.from)} does not depend on ${JSON.stringify(t.to)} (neither services.${t.from}.dependsOn nor the compose file's depends_on lists it)` });
  };
  known('traffic.target', scenario.traffic?.target);
  for (const [name, service] of Object.entries(scenario.services)) service.dependsOn.forEach((dep, i) => external(dep) || known(`services.${name}.dependsOn[${i}]`, dep));
  scenario.steps.forEach((step, i) => {
    if ('service' in step) known(`steps[${i}].service`, step.service);
    if (step.kind === 'fault') target(`steps[${i}].target`, step.target);
  });
  scenario.faults.forEach((fault, i) => target(`faults[${i}].target`, fault.target));
  return problems;
}
