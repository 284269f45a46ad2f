import { DrillbitError } from '../../errors.ts';
import { DEFAULT_DOCKER_URL, type DockerEndpoint } from './docker-engine.ts';

type Testcontainers = typeof import('testcontainers');

let loaded: { engine: string; module: Promise<Testcontainers> } | undefined;

/**
 * testcontainers, set up for the driver's engine, loaded on first use (it takes ~0.5 s to
 * import, so runs without compose dependencies never pay for it). testcontainers takes its
 * settings from `process.env` only, so they are written there, once, before its first call
 * — the one place Drillbit writes the environment, and only values the user left unset:
 * - `TESTCONTAINERS_RYUK_DISABLED=true`: its reaper is a container whose image cannot be
 *   pulled here (no registry); Drillbit's run labels, teardown and `drillbit clean` reap instead;
 * - `TESTCONTAINERS_HOST_OVERRIDE`: where published ports are reached (127.0.0.1 for a local
 *   socket, the engine's host for tcp), instead of its in-container gateway probe, which
 *   would run an `alpine` image;
 * - `DOCKER_HOST`: the driver's engine, when it is not the default socket.
 * A `DOCKER_HOST` naming another engine than the driver's is an infrastructure error:
 * testcontainers would start the dependencies somewhere else.
 */
export function loadTestcontainers(endpoint: DockerEndpoint, env: NodeJS.ProcessEnv = process.env): Promise<Testcontainers> {
  if (loaded) {
    if (loaded.engine !== endpoint.url) throw new DrillbitError('infrastructure', `testcontainers already talks to ${loaded.engine}; this process cannot also start dependencies on ${endpoint.url}`);
    return loaded.module;
  }
  const current = env.DOCKER_HOST?.trim();
  if (current && current !== endpoint.url) {
    throw new DrillbitError('infrastructure', `DOCKER_HOST is ${current}, but the docker driver uses ${endpoint.url}; testcontainers would start dependencies on another engine`, { hint: 'give the driver the engine DOCKER_HOST names, or unset DOCKER_HOST' });
  }
  if (!current && endpoint.url !== DEFAULT_DOCKER_URL) env.DOCKER_HOST = endpoint.url;
  env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  env.TESTCONTAINERS_HOST_OVERRIDE ??= endpoint.host ?? '127.0.0.1';
  const module = import('testcontainers');
  loaded = { engine: endpoint.url, module };
  module.catch(() => (loaded = undefined));
  return module;
}
