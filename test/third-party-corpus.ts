import { spawn } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { bundleDigest } from '../harness/release/bundle-digest.ts';
import { removeReadOnlyTree } from '../harness/release/release-store.ts';
import type { RunResults, ScenarioResult } from '../harness/verdict/results.ts';
import { projectRoot } from './drill-harness.ts';

/**
 * The corpus of third-party releases (fixtures/third-party) and its drills
 * (test/third-party), run the way a user runs them: `drillbit run` from a project folder
 * of their own, outside this repository, on any driver. Shared by the local and the docker
 * test, which must reach the same verdicts on the same release digests.
 */

export const PROGRAMS = ['nginx', 'python-wsgi', 'node-cjs'] as const;
export type Program = (typeof PROGRAMS)[number];

/** What each drill of a program must conclude: the two rollbacks pass, the forgetful one fails on data loss alone. */
export const DRILLS = {
  'guard-rollback': { status: 'passed', failedChecks: [] },
  'planned-rollback': { status: 'passed', failedChecks: [] },
  'forgetful-loses-orders': { status: 'failed', failedChecks: ['no acknowledged write lost'] },
} as const;
export type Drill = keyof typeof DRILLS;

/** The scenario's release names, by the bundle folder they name. */
const RELEASE_FOLDERS: Record<string, string> = { v1: 'v1', v2: 'v2', bad: 'v2-errors', forgetful: 'v2-forgetful' };

/** What the docker driver's host-built base image needs besides node for these releases (DRILLBIT_DOCKER_BASE_EXTRAS). */
export const DOCKER_BASE_EXTRAS = [
  '/usr/sbin/nginx',
  '/etc/nginx/mime.types',
  '/usr/bin/envsubst',
  '/usr/bin/mkdir',
  '/usr/bin/python3',
  '/usr/lib/python3.11',
].join(':');

export function drillFile(program: Program, drill: Drill): string {
  return `test/third-party/${program}-${drill}.drill.yaml`;
}

export interface UserProject {
  dir: string;
  /** DRILLBIT_HOME, inside the project: its ledger, runs and release store (so a package.json is above the store). */
  home: string;
  /** TMPDIR of the run, which replicas inherit. */
  tmp: string;
  remove(): Promise<void>;
}

/**
 * A user's project outside the repository: a package.json of the given module type, the
 * corpus's bundles and drills copied in as plain files (symlinks dereferenced), so the
 * drills' relative release paths resolve against it.
 */
export async function makeUserProject(type: 'module' | 'commonjs'): Promise<UserProject> {
  const dir = await mkdtemp(join(tmpdir(), `drillbit-user-${type}-`));
  await writeFile(join(dir, 'package.json'), `${JSON.stringify({ name: `orders-drills-${type}`, private: true, type }, null, 2)}\n`);
  await cp(join(projectRoot, 'fixtures/third-party'), join(dir, 'fixtures/third-party'), { recursive: true, dereference: true });
  await cp(join(projectRoot, 'test/third-party'), join(dir, 'test/third-party'), { recursive: true });
  const home = join(dir, '.drillbit');
  const tmp = join(dir, 'tmp');
  await mkdir(tmp);
  return {
    dir,
    home,
    tmp,
    remove: async () => {
      await removeReadOnlyTree(join(home, 'store'));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  results: RunResults;
}

/**
 * `drillbit run FILES --output <project>/out-<label>` from the project folder, with the
 * project's DRILLBIT_HOME and TMPDIR over `env` (default this process's environment).
 */
export async function runFromProject(project: UserProject, label: string, files: string[], options: { driver?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliRun> {
  const output = join(project.dir, `out-${label}`);
  const args = [join(projectRoot, 'bin/drillbit.mjs'), 'run', ...files, '--driver', options.driver ?? 'local', '--output', output, '--parallel', '1', '--seed', '7'];
  const env = { ...(options.env ?? process.env), CI: 'true', DRILLBIT_HOME: project.home, TMPDIR: project.tmp };
  const { code, stdout, stderr } = await spawnBounded(process.execPath, args, { cwd: project.dir, env }, options.timeoutMs ?? 300_000);
  const text = await readFile(join(output, 'results.json'), 'utf8').catch(() => undefined);
  if (text === undefined) throw new Error(`drillbit run wrote no results.json (exit ${code}):\n${stderr}\n${stdout}`);
  return { code, stdout, stderr, results: JSON.parse(text) as RunResults };
}

/** At most this many runs again of a drill the harness could not measure. */
const REMEASURES = 2;

/**
 * `runFromProject`, then again for each drill with a check the harness could not measure
 * because it was itself saturated (another job on the machine): such a check is unknown, and
 * unknown is no verdict, so it is measured again rather than judged (at most REMEASURES
 * times). `remeasured` names each one and why, for the test's log; `runIds` are every run's.
 */
export async function runCorpus(project: UserProject, label: string, files: string[], options: Parameters<typeof runFromProject>[3] = {}): Promise<CliRun & { remeasured: string[]; runIds: string[] }> {
  const first = await runFromProject(project, label, files, options);
  const remeasured: string[] = [];
  const runIds = [first.results.runId];
  let scenarios = first.results.scenarios;
  for (let round = 1; round <= REMEASURES; round++) {
    const unmeasured = scenarios.filter(saturatedCheck);
    if (unmeasured.length === 0) break;
    for (const s of unmeasured) remeasured.push(`${s.file} (round ${round}): ${saturatedCheck(s)!.message}`);
    const again = await runFromProject(project, `${label}-again-${round}`, unmeasured.map((s) => s.file), options);
    runIds.push(again.results.runId);
    const replaced = new Map(again.results.scenarios.map((s) => [s.file, s]));
    scenarios = scenarios.map((s) => replaced.get(s.file) ?? s);
  }
  const summary = { ...first.results.summary, passed: scenarios.filter((s) => s.status === 'passed').length, failed: scenarios.filter((s) => s.status === 'failed').length };
  return { ...first, results: { ...first.results, scenarios, summary }, remeasured, runIds };
}

function saturatedCheck(scenario: ScenarioResult) {
  return scenario.checks.find((c) => c.status === 'unknown' && c.message.includes('harness saturated'));
}

function spawnBounded(program: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    // SIGTERM lets drillbit stop what it started and write its results; the test then fails on the timeout.
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The digest of every corpus bundle, as the repository holds it (`nginx/v1` → `sha256:…`). */
export async function corpusDigests(): Promise<Record<string, string>> {
  const entries = await Promise.all(
    PROGRAMS.flatMap((program) => Object.values(RELEASE_FOLDERS).map(async (folder) => [`${program}/${folder}`, await bundleDigest(join(projectRoot, 'fixtures/third-party', program, folder))] as const)),
  );
  return Object.fromEntries(entries);
}

/**
 * Every drill of `programs` ran once and reached its verdict for its reason; each release it
 * deployed has the repository bundle's digest. Returns `file → status` for comparisons.
 */
export function expectCorpusVerdicts(results: RunResults, programs: readonly Program[], digests: Record<string, string>): Record<string, string> {
  const verdicts: Record<string, string> = {};
  for (const program of programs) {
    for (const [drill, expected] of Object.entries(DRILLS) as [Drill, (typeof DRILLS)[Drill]][]) {
      const file = drillFile(program, drill);
      const found = results.scenarios.filter((s) => s.file === file);
      expect(found.map((s) => s.file), `${file} ran once`).toEqual([file]);
      const scenario = found[0]!;
      const why = `${file} on ${results.driver}: ${scenario.status}; ${scenario.reasons.join('; ') || 'no reasons'}${scenario.error ? `; error: ${scenario.error.message}` : ''}`;
      expect(scenario.status, why).toBe(expected.status);
      expect(failedChecks(scenario), why).toEqual(expected.failedChecks);
      expectRightReasons(scenario, program, drill, why);
      expectDigests(scenario, program, digests, why);
      verdicts[file] = scenario.status;
    }
  }
  return verdicts;
}

function failedChecks(scenario: ScenarioResult): string[] {
  return scenario.checks.filter((c) => c.status !== 'passed').map((c) => c.name);
}

/** What proves each verdict is the drill's own: the LKG back by digest, no drift, writes read back, the guard tripped where one should. */
function expectRightReasons(scenario: ScenarioResult, program: Program, drill: Drill, why: string): void {
  const passed = new Set(scenario.checks.filter((c) => c.status === 'passed').map((c) => c.name));
  for (const name of ['LKG state restored', 'LKG state at end of drill', 'no drift from the ledger', 'SLIs over the whole drill']) expect(passed.has(name), `${why}: ${name} passed`).toBe(true);
  expect([...passed].some((name) => name.startsWith('restored within RTO')), `${why}: restored within RTO passed`).toBe(true);
  const lkg = scenario.lkg[program];
  expect(lkg?.match, `${why}: LKG observed ${lkg?.observed}`).toBe(true);
  expect(scenario.data.readBack, `${why}: acknowledged writes were read back`).toBe(true);
  expect(scenario.data.acked, `${why}: writes acknowledged`).toBeGreaterThan(20);
  expect(scenario.data.unexpected, why).toBe(0);
  if (drill === 'forgetful-loses-orders') {
    // Writes acknowledged while the forgetful release served are the ones lost; v1's survive.
    expect(scenario.data.lost, why).toBeGreaterThan(5);
    expect(scenario.data.lost, why).toBeLessThan(scenario.data.acked);
  } else {
    expect(scenario.data.lost, why).toBe(0);
  }
  if (drill === 'guard-rollback') {
    expect(scenario.recovery.detection, `${why}: detected by the guard`).toBe('guard');
    expect(scenario.timeline.some((e) => e.type === 'guard' && e.service === program), `${why}: a guard event`).toBe(true);
    expect(passed.has('guard analysis had data'), why).toBe(true);
  }
}

function expectDigests(scenario: ScenarioResult, program: Program, digests: Record<string, string>, why: string): void {
  const deployed = (scenario.lineage?.[program] ?? []).filter((e) => e.event === 'deploy');
  expect(deployed.length, `${why}: two deploys in the lineage`).toBe(2);
  for (const entry of deployed) expect(entry.digest, `${why}: ${entry.release}`).toBe(digests[`${program}/${RELEASE_FOLDERS[entry.release!]}`]);
  expect(scenario.lkg[program]?.expected, why).toBe(digests[`${program}/v1`]);
}

/**
 * The environment `npm run drills` gives a process, with traps: NODE_OPTIONS requires a
 * tripwire that kills any replica it reaches, npm_* and INIT_CWD are set, and PATH starts
 * with a node_modules/.bin whose `node`, `python3` and `envsubst` exit 1. A drill that
 * passes in it proves none of that reached a replica.
 */
export async function npmRunEnvironment(project: UserProject): Promise<{ env: NodeJS.ProcessEnv; tripwire: string; fakeBin: string }> {
  const fakeBin = join(project.dir, 'node_modules/.bin');
  await mkdir(fakeBin, { recursive: true });
  for (const program of ['node', 'python3', 'envsubst']) {
    const file = join(fakeBin, program);
    await writeFile(file, `#!/bin/sh\necho "fake ${program} from node_modules/.bin: the harness's PATH reached a replica" >&2\nexit 1\n`);
    await chmod(file, 0o755);
  }
  const tripwire = join(project.dir, 'leak-tripwire.cjs');
  // Only replicas have DRILLBIT_REPLICA: drillbit itself runs with this NODE_OPTIONS unharmed.
  await writeFile(tripwire, `if (process.env.DRILLBIT_REPLICA) { console.error('NODE_OPTIONS of the harness reached replica ' + process.env.DRILLBIT_REPLICA); process.exit(1); }\n`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${fakeBin}:${join(projectRoot, 'node_modules/.bin')}:${process.env.PATH ?? ''}`,
    NODE_OPTIONS: `--require ${tripwire}`,
    NODE_ENV: 'test',
    INIT_CWD: project.dir,
    npm_lifecycle_event: 'drills',
    npm_lifecycle_script: 'drillbit run test/third-party',
    npm_package_json: join(project.dir, 'package.json'),
    npm_package_name: 'orders-drills',
    npm_config_user_agent: 'npm/10.8.2 node/v20.20.2 linux x64 workspaces/false',
    npm_node_execpath: process.execPath,
    npm_execpath: '/usr/lib/node_modules/npm/bin/npm-cli.js',
  };
  return { env, tripwire, fakeBin };
}
