import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithDocker } from '../harness/drivers/docker/describe-with-docker.ts';
import { DockerEngine } from '../harness/drivers/docker/docker-engine.ts';
import { listLabelled } from '../harness/drivers/docker/labelled-resources.ts';
import {
  corpusDigests,
  DOCKER_BASE_EXTRAS,
  DRILLS,
  drillFile,
  expectCorpusVerdicts,
  makeUserProject,
  PROGRAMS,
  runCorpus,
  type UserProject,
} from './third-party-corpus.ts';

/**
 * The corpus of third-party releases (test/third-party-releases.test.ts) on the docker
 * driver, unchanged: the same bundles, built into images FROM the host-built base image with
 * Debian's nginx, envsubst, mkdir and python3.11 added (DRILLBIT_DOCKER_BASE_EXTRAS), reach
 * the verdicts they reach on the local driver, on the same release digests, from a
 * "type": "module" project and from a "commonjs" one.
 */

const ALL = PROGRAMS.flatMap((program) => Object.keys(DRILLS).map((drill) => drillFile(program, drill as keyof typeof DRILLS)));
const engine = DockerEngine.at();
const projects: UserProject[] = [];
let digests: Record<string, string>;
beforeAll(async () => {
  digests = await corpusDigests();
});
afterAll(() => Promise.all(projects.map((p) => p.remove())));

function dockerEnv(): NodeJS.ProcessEnv {
  return { ...process.env, DRILLBIT_DOCKER_BASE_EXTRAS: DOCKER_BASE_EXTRAS };
}

await describeWithDocker('third-party releases on the docker driver', () => {
  const verdicts: Record<string, Record<string, string>> = {};

  for (const type of ['module', 'commonjs'] as const) {
    it(`from a "type": "${type}" project: both rollbacks pass for every program, each forgetful release fails on lost writes alone; nothing is left in the engine`, { timeout: 600_000 }, async () => {
      const user = await makeUserProject(type);
      projects.push(user);
      const run = await runCorpus(user, 'docker', ALL, { driver: 'docker', env: dockerEnv(), timeoutMs: 500_000 });
      for (const line of run.remeasured) console.warn(`measured again, the harness was saturated: ${line}`);
      expect(run.code, run.stderr).toBe(1); // the forgetful drills fail, as they must
      expect(run.results.driver).toBe('docker');
      verdicts[type] = expectCorpusVerdicts(run.results, PROGRAMS, digests);
      if (verdicts.module && type !== 'module') expect(verdicts[type]).toEqual(verdicts.module);
      for (const runId of run.runIds) expect(await listLabelled(engine, 'drillbit.run', runId), `containers, networks, volumes of run ${runId}`).toEqual([]);
    });
  }
});
