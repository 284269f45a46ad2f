import { describeNeeding } from '../../../test/requirement.ts';
import { errorMessage } from '../../errors.ts';
import { DockerEngine } from '../docker/docker-engine.ts';
import { requireSwarmManager } from './swarm-manager.ts';

/** Why swarm tests cannot run here (no engine, not a swarm manager), or undefined when they can. */
export async function swarmUnavailable(engine: DockerEngine = DockerEngine.at()): Promise<string | undefined> {
  try {
    await engine.ping(3000);
    await requireSwarmManager(engine);
    return undefined;
  } catch (error) {
    return errorMessage(error);
  }
}

/**
 * `describe` for tests that need a real swarm manager (the system socket). Without one, the
 * block is skipped with the reason in its title; with `DRILLBIT_REQUIRE_SWARM=1` (CI) it
 * fails instead. Use with top-level await, as `describeWithDocker`.
 */
export async function describeWithSwarm(name: string, body: () => void, engine: DockerEngine = DockerEngine.at()): Promise<void> {
  const reason = await swarmUnavailable(engine);
  describeNeeding(name, reason === undefined ? undefined : { requirement: 'SWARM', reason, hint: 'docker swarm init --advertise-addr 127.0.0.1' }, body);
}
