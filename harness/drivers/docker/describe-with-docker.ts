import { describe, it } from 'vitest';
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
  if (reason === undefined) {
    describe(name, body);
  } else if (process.env.DRILLBIT_REQUIRE_DOCKER === '1') {
    describe(name, () => {
      it('needs a Docker engine (DRILLBIT_REQUIRE_DOCKER=1)', () => {
        throw new Error(`DRILLBIT_REQUIRE_DOCKER=1, but ${reason}; start one: dockerd &`);
      });
    });
  } else {
    describe.skip(`${name} — skipped: ${reason}`, body);
  }
}
