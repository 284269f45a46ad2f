import { DrillbitError } from '../../errors.ts';
import { configDigest } from '../../release/bundle-digest.ts';
import { displayPath } from '../../release/bundle-loader.ts';
import { CLIENT, type ContainerSettings, type EnvironmentSpec, type ReleasesByService, type ResolvedEnvironment, type ResolvedRelease, type ServiceEnvironmentSpec } from '../driver.ts';
import type { ComposeService, ComposeStack } from './compose-stack.ts';
import { rewriteServiceAddresses } from './compose-values.ts';
import { COMPOSE_RELEASE, composeDependencyRelease, imageLabels } from './compose-images.ts';
import type { DockerEngine } from './docker-engine.ts';
import { CONTAINER_PORT, LABELS } from './docker-names.ts';

/**
 * A compose file merged with a scenario (README "Compose environments"):
 * - a compose service the scenario lists with releases is **under test**: each release
 *   keeps its own image, command and env, and takes the compose service's environment for
 *   the variables it does not set, its `healthcheck`, `volumes` and `entrypoint`, and its
 *   `depends_on` (added to `dependsOn`);
 * - every other compose service is a **dependency**: one release, its compose image pinned
 *   by ID now, started ready with the environment (testcontainers, dependency-container.ts);
 * - `<service>:<port>` of a `depends_on` service in an environment value becomes
 *   `{addr:<service>}`: the link through the run's fault proxy.
 * Every problem is reported at once, each naming the file and the service.
 */
export async function resolveComposeEnvironment(base: EnvironmentSpec, stack: ComposeStack, releases: ReleasesByService, engine: DockerEngine): Promise<ResolvedEnvironment> {
  const display = displayPath(stack.file);
  const problems: string[] = [];
  const problem = (service: string, message: string) => problems.push(`${display}: services.${service}: ${message}`);
  const warnings = [...stack.warnings];
  const underTest = (name: string) => Object.hasOwn(base.services, name);
  const portOf = (name: string) => (underTest(name) ? CONTAINER_PORT : (stack.services[name]?.port ?? CONTAINER_PORT));
  const envOf = (service: ComposeService) => rewrittenEnvironment(service, portOf);

  const services: Record<string, ServiceEnvironmentSpec> = {};
  const merged = new Map<string, ReadonlyMap<string, ResolvedRelease>>(releases);
  for (const [name, spec] of Object.entries(base.services)) {
    const compose = stack.services[name];
    if (!compose) {
      services[name] = spec;
      continue;
    }
    if (compose.port !== undefined && compose.port !== CONTAINER_PORT) warnings.push(`${display}: services.${name}: Drillbit's containers of a service under test listen on {port} (${CONTAINER_PORT}), not ${compose.port}`);
    services[name] = { ...spec, dependsOn: union(spec.dependsOn ?? [], compose.dependsOn), container: containerSettings(compose) };
    const overlaid = new Map<string, ResolvedRelease>();
    for (const [releaseName, release] of releases.get(name) ?? []) overlaid.set(releaseName, await overlayRelease(release, compose, envOf(compose), engine));
    merged.set(name, overlaid);
  }

  for (const [name, compose] of Object.entries(stack.services)) {
    if (underTest(name)) continue;
    if (name === CLIENT) problem(name, `"${CLIENT}" names the traffic's side of a link; rename the compose service`);
    if (base.external?.[name] !== undefined) problem(name, `is also an external dependency of the scenario (external.${name}); rename one of them`);
    const needsDeployed = compose.dependsOn.filter(underTest);
    if (needsDeployed.length) problem(name, `depends on ${needsDeployed.join(', ')}, which the scenario deploys; Drillbit starts the other compose services before any deploy`);
    if (!compose.image) {
      problem(name, 'has no image (only build:); build and tag it first (docker-compose build), or list it in the scenario with releases');
      continue;
    }
    try {
      const { release, healthDeclared } = await composeDependencyRelease(compose, compose.image, envOf(compose), engine);
      services[name] = { replicas: 1, strategy: 'recreate', dependsOn: compose.dependsOn, startWith: release, container: { ...containerSettings(compose), port: portOf(name), readiness: readinessOf(compose, healthDeclared) } };
      merged.set(name, new Map([[COMPOSE_RELEASE, release]]));
    } catch (error) {
      if (!(error instanceof DrillbitError) || error.code !== 'bad-input') throw error;
      problem(name, error.message);
    }
  }

  for (const [name, spec] of Object.entries(services)) {
    for (const release of merged.get(name)?.values() ?? []) {
      const missing = reachedServices(release).filter((dep) => !(spec.dependsOn ?? []).includes(dep));
      if (missing.length) problem(name, `release ${release.name} reaches ${missing.map((d) => `{url:${d}}`).join(', ')}, but neither the scenario's dependsOn nor the compose file's depends_on lists ${missing.join(', ')}`);
    }
  }
  if (problems.length) {
    throw new DrillbitError('bad-input', problems.join('\n'), { hint: 'fix the compose file or the scenario; `docker-compose -f <file> config` shows the file as Drillbit reads it' });
  }
  return { spec: { ...base, services }, releases: merged, warnings };
}

/** The compose environment of a service, `<dependency>:<port>` made `{addr:<dependency>}`. */
function rewrittenEnvironment(service: ComposeService, portOf: (name: string) => number): Record<string, string> {
  const dependencies = Object.fromEntries(service.dependsOn.map((dep) => [dep, portOf(dep)]));
  return Object.fromEntries(Object.entries(service.environment).map(([key, value]) => [key, rewriteServiceAddresses(value, dependencies)]));
}

/**
 * A release of a service under test, with the compose service's environment under its own
 * (the release wins on every variable it sets) and, for an image release whose command is
 * only the image's CMD, the compose command. The digest (the artifact) stays; the config digest follows.
 */
async function overlayRelease(release: ResolvedRelease, compose: ComposeService, environment: Record<string, string>, engine: DockerEngine): Promise<ResolvedRelease> {
  const commandIsImageDefault = release.storePath === undefined && release.image !== undefined && compose.command !== undefined && !(await imageLabels(engine, release.image.id))[LABELS.command];
  const manifest = { ...release.manifest, env: { ...environment, ...release.manifest.env }, command: commandIsImageDefault ? compose.command! : release.manifest.command };
  return { ...release, manifest, configDigest: configDigest(manifest) };
}

function containerSettings(compose: ComposeService): ContainerSettings {
  const settings: ContainerSettings = {};
  if (compose.healthcheck) settings.healthcheck = compose.healthcheck;
  if (compose.volumes.length) settings.volumes = compose.volumes;
  if (compose.entrypoint) settings.entrypoint = compose.entrypoint;
  return settings;
}

function readinessOf(compose: ComposeService, healthDeclared: boolean): ContainerSettings['readiness'] {
  if (compose.healthcheck && compose.healthcheck.test[0] !== 'NONE') return 'healthcheck';
  return healthDeclared ? 'http' : 'listening-port';
}

/** Services a release's command and env reach through `{url:<name>}` / `{addr:<name>}`. */
function reachedServices(release: ResolvedRelease): string[] {
  const text = [...release.manifest.command, ...Object.values(release.manifest.env)].join('\n');
  return [...new Set([...text.matchAll(/\{(?:url|addr):([A-Za-z0-9][A-Za-z0-9_.-]*)\}/g)].map((m) => m[1]!))];
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}
