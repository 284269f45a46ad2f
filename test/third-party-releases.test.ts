import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  corpusDigests,
  DRILLS,
  drillFile,
  expectCorpusVerdicts,
  makeUserProject,
  npmRunEnvironment,
  PROGRAMS,
  runCorpus,
  type UserProject,
} from './third-party-corpus.ts';

/**
 * Programs nobody here wrote — Debian's nginx, a Python stdlib WSGI app with sqlite, a
 * CommonJS Node service with its own node_modules — through a guard-driven rollback, a
 * planned rollback and a forgetful candidate, on the local driver, with `drillbit run` from
 * a user's project outside this repository (issue 13 §7). The same bundles give the same
 * verdicts (and digests) from a "type": "module" project and a "commonjs" one, and in the
 * environment `npm run` makes.
 */

const ALL = PROGRAMS.flatMap((program) => Object.keys(DRILLS).map((drill) => drillFile(program, drill as keyof typeof DRILLS)));
const projects: UserProject[] = [];
let digests: Record<string, string>;
beforeAll(async () => {
  digests = await corpusDigests();
});
afterAll(() => Promise.all(projects.map((p) => p.remove())));

async function project(type: 'module' | 'commonjs'): Promise<UserProject> {
  const made = await makeUserProject(type);
  projects.push(made);
  return made;
}

function logRemeasured(remeasured: string[]): void {
  for (const line of remeasured) console.warn(`measured again, the harness was saturated: ${line}`);
}

describe('third-party releases on the local driver', () => {
  const verdicts: Record<string, Record<string, string>> = {};

  it('from a "type": "module" project: both rollbacks pass for every program, each forgetful release fails on lost writes alone', { timeout: 300_000 }, async () => {
    const user = await project('module');
    const run = await runCorpus(user, 'local', ALL);
    logRemeasured(run.remeasured);
    // The hazard is real here: run in place, under the project's package.json, the CommonJS service does not load...
    const inPlace = spawnSync(process.execPath, ['server.js'], { cwd: join(user.dir, 'fixtures/third-party/node-cjs/v1'), env: { PATH: process.env.PATH }, encoding: 'utf8', timeout: 10_000 });
    expect(inPlace.status).toBe(1);
    expect(inPlace.stderr).toContain('require is not defined in ES module scope');
    // ...and the store is inside the project, under that package.json: the fence at the store's root is what keeps it CommonJS.
    expect(existsSync(join(user.home, 'store', 'package.json')), 'the store is fenced off from the project').toBe(true);
    expect(run.code, run.stderr).toBe(1); // the forgetful drills fail, as they must
    expect(run.results.driver).toBe('local');
    verdicts.module = expectCorpusVerdicts(run.results, PROGRAMS, digests);
  });

  it('from a "commonjs" project: the same verdicts on the same digests', { timeout: 300_000 }, async () => {
    const run = await runCorpus(await project('commonjs'), 'local', ALL);
    logRemeasured(run.remeasured);
    expect(run.code, run.stderr).toBe(1);
    verdicts.commonjs = expectCorpusVerdicts(run.results, PROGRAMS, digests);
    if (verdicts.module) expect(verdicts.commonjs).toEqual(verdicts.module);
  });

  it('in the environment npm run makes (NODE_OPTIONS, npm_* vars, a node_modules/.bin with a fake node, python3 and envsubst first on PATH), the rollbacks still pass', { timeout: 300_000 }, async () => {
    const user = await project('module');
    const { env, tripwire, fakeBin } = await npmRunEnvironment(user);
    // The traps are live: each would fail a replica it reached.
    for (const program of ['node', 'python3', 'envsubst']) expect(spawnSync(`${fakeBin}/${program}`, ['--version']).status, program).toBe(1);
    expect(spawnSync(process.execPath, ['-e', ''], { env: { ...process.env, NODE_OPTIONS: `--require ${tripwire}`, DRILLBIT_REPLICA: 'x' } }).status, 'the tripwire').toBe(1);

    const files = PROGRAMS.flatMap((program) => [drillFile(program, 'guard-rollback'), drillFile(program, 'planned-rollback')]);
    const run = await runCorpus(user, 'npm-run', files, { env });
    const failures = run.results.scenarios.filter((s) => s.status !== 'passed').map((s) => `${s.file}: ${s.status}: ${s.reasons.join('; ')}${s.error ? ` ${s.error.message}` : ''}`);
    logRemeasured(run.remeasured);
    expect(failures, run.stderr).toEqual([]);
    if (run.remeasured.length === 0) expect(run.code).toBe(0);
    expect(run.results.scenarios).toHaveLength(files.length);
  });
});
