import { describeNeeding } from '../../../test/requirement.ts';
import { DockerEngine } from './docker-engine.ts';

/**
 * `describe` for tests that need a real Docker engine (the system socket). With no
 * engine, the whole block is skipped and the reason is in its title; with
 * `DRILLBIT_REQUIRE_DOCKER=1` (CI), a missing engine fails instead of skipping.
 * Use with top-level await: `await describeWithDocker('…', () => { … })`.
 */
export async function describeWithDocker(name: string, body: () => void, engine: DockerEngine = DockerEngine.at()): Promise<void> {
  const reason = await engine.ping(3000).then(
    () => undefined,
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
  describeNeeding(name, reason === undefined ? undefined : { requirement: 'DOCKER', reason, hint: 'start one: dockerd &' }, body);
}
