import { DrillbitError } from '../errors.ts';
import type { Driver } from './driver.ts';
import { DockerDriver } from './docker/docker-driver.ts';
import { LocalDriver } from './local/local-driver.ts';
import { SwarmDriver } from './swarm/swarm-driver.ts';
import { didYouMeanNote } from '../util/did-you-mean.ts';

/** What a driver factory may read: the environment the CLI passes (`DOCKER_HOST`…), never `process.env` itself. */
export type DriverEnvironment = Readonly<Record<string, string | undefined>>;

/** Every driver, by the name `--driver` takes. Explicit, so importing a driver has no side effect. */
export const drivers: Readonly<Record<string, (env: DriverEnvironment) => Driver>> = {
  local: (env) => LocalDriver.fromEnvironment(env),
  docker: (env) => DockerDriver.fromEnvironment(env),
  swarm: (env) => SwarmDriver.fromEnvironment(env),
};

/** The driver named by `--driver`; `env` is the CLI's environment (default this process's). */
export function getDriver(name: string, env: DriverEnvironment = process.env): Driver {
  const known = Object.keys(drivers);
  if (!Object.hasOwn(drivers, name)) {
    throw new DrillbitError('bad-input', `--driver: unknown driver "${name}"${didYouMeanNote(name, known)}; known drivers: ${known.join(', ')}`, { hint: `pass --driver ${known.join('|')}` });
  }
  return drivers[name]!(env);
}

export function driverNames(): string[] {
  return Object.keys(drivers);
}
