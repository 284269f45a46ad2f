import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeWithDocker } from '../harness/drivers/docker/describe-with-docker.ts';
import { DockerDriver } from '../harness/drivers/docker/docker-driver.ts';
import { projectRoot } from './drill-harness.ts';
import { processSnapshot, stillRunning, waitFor } from './process-scan.ts';

/**
 * Drillbit touches only what it created: a foreign process and a foreign container, network
 * and volume whose names look like Drillbit's survive a drill and a `drillbit clean`, and so
 * does a foreign process whose pid a dead run's pid file names (the pid was reused).
 */

const dir = mkdtempSync(join(tmpdir(), 'drillbit-blast-'));
const home = join(dir, 'home');
const env = { ...process.env, CI: 'true', DRILLBIT_HOME: home };
const foreign: ChildProcess[] = [];
afterAll(() => {
  for (const child of foreign) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function drillbit(...args: string[]) {
  return spawnSync(process.execPath, [join(projectRoot, 'bin/drillbit.mjs'), ...args], { cwd: projectRoot, env, encoding: 'utf8', timeout: 120_000 });
}

/** A process that looks like a replica of a drill: `node … drillbit shop fixtures/shop/v1`, DRILLBIT_SERVICE=shop in its environment. */
function startLookalike(): { pid: number; startTime?: number } {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'drillbit', 'shop', 'fixtures/shop/v1/server.mjs'], {
    env: { PATH: process.env.PATH, DRILLBIT_SERVICE: 'shop', DRILLBIT_REPLICA: 'shop-g1-0' },
    stdio: 'ignore',
  });
  foreign.push(child);
  const snapshot = processSnapshot(child.pid!);
  if (!snapshot) throw new Error('the lookalike did not start');
  return { pid: snapshot.pid, startTime: snapshot.startTime };
}

describe('blast radius on the local driver', () => {
  it('a lookalike process survives a drill and a clean, even when a dead run’s pid file names its pid', async () => {
    const lookalike = startLookalike();
    const reused = startLookalike();
    // A run that died long ago, whose pid file names a pid the kernel has since given to another process.
    const runDir = join(home, 'runs', '20200101-000000-dead00');
    mkdirSync(join(runDir, 'attempt-1', 'pids'), { recursive: true });
    writeFileSync(join(runDir, 'owner.json'), JSON.stringify({ runId: '20200101-000000-dead00', pid: 999_999_999, startedAt: '2020-01-01T00:00:00Z', cwd: projectRoot }));
    writeFileSync(
      join(runDir, 'attempt-1', 'pids', 'shop-g1-0.pid'),
      JSON.stringify({ pid: reused.pid, pgid: reused.pid, runId: '20200101-000000-dead00', service: 'shop', replica: 'shop-g1-0', digest: 'sha256:0', startedAt: '2020-01-01T00:00:00Z', procStartTime: (reused.startTime ?? 0) + 1, command: ['node'], cwd: '/', port: 1 }),
    );

    const run = drillbit('run', 'scenarios/bad-release-rolled-back.drill.ts', '--output', join(dir, 'out-local'));
    expect(run.status, run.stderr).toBe(0);
    const clean = drillbit('clean');
    expect(clean.status, clean.stderr).toBe(0);
    // The dead run was reaped (its pid file read, the run marked finished) without touching the reused pid.
    expect(JSON.parse(readFileSync(join(runDir, 'owner.json'), 'utf8')).finishedAt).toEqual(expect.any(String));
    expect(clean.stdout).toMatch(/0 processes/);

    expect(stillRunning(lookalike)).toBe(true);
    expect(stillRunning(reused)).toBe(true);
    expect(processSnapshot(lookalike.pid)?.state).not.toBe('T');
  }, 120_000);
});

function docker(...args: string[]): string {
  const r = spawnSync('docker', args, { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

await describeWithDocker('blast radius on the docker driver', () => {
  it('a foreign container, network and volume named like Drillbit’s survive a drill and a clean', async () => {
    const driver = DockerDriver.fromEnvironment(process.env);
    const release = await driver.resolveRelease('shop', 'v1', join(projectRoot, 'fixtures/shop/v1'), projectRoot, { storeDir: join(dir, 'store') });
    const suffix = Date.now().toString(16).slice(-10);
    const names = { network: `drillbit-${suffix}-foreign`, volume: `drillbit-${suffix}-shop-data`, container: `drillbit-${suffix}-shop-g1-0` };
    try {
      docker('network', 'create', '--label', 'drillbit.service=shop', names.network);
      docker('volume', 'create', '--label', 'drillbit.service=shop', names.volume);
      // Labelled like a replica in every way but the run: Drillbit selects by drillbit.run only.
      docker('run', '-d', '--init', '--name', names.container, '--network', names.network, '-v', `${names.volume}:/data`, '--label', 'drillbit.service=shop', '--label', `drillbit.release.digest=${release.digest}`, release.image!.id);
      await waitFor(() => (docker('inspect', '-f', '{{.State.Running}}', names.container) === 'true' ? true : undefined), 10_000);

      const run = drillbit('run', 'scenarios/bad-release-rolled-back.drill.ts', '--driver', 'docker', '--output', join(dir, 'out-docker'));
      expect(run.status, run.stderr).toBe(0);
      const clean = drillbit('clean');
      expect(clean.status, clean.stderr).toBe(0);

      expect(docker('inspect', '-f', '{{.State.Running}} {{.State.Paused}}', names.container)).toBe('true false');
      expect(docker('network', 'ls', '-q', '--filter', `name=^${names.network}$`)).not.toBe('');
      expect(docker('volume', 'ls', '-q', '--filter', `name=^${names.volume}$`)).not.toBe('');
    } finally {
      spawnSync('docker', ['rm', '-f', names.container]);
      spawnSync('docker', ['network', 'rm', names.network]);
      spawnSync('docker', ['volume', 'rm', names.volume]);
    }
    }, 180_000);

  it('`drillbit clean --orphans` removes what a run left once its work dir is gone, and nothing of a run whose work dir exists', async () => {
    const suffix = Date.now().toString(16).slice(-10);
    const gone = { run: `orphan-${suffix}`, workDir: join(dir, `gone-${suffix}`) };
    const alive = { run: `alive-${suffix}`, workDir: mkdtempSync(join(dir, 'alive-')) };
    const labels = (r: { run: string; workDir: string }) => ['--label', `drillbit.run=${r.run}`, '--label', `drillbit.workdir=${r.workDir}`];
    try {
      for (const r of [gone, alive]) {
        docker('network', 'create', ...labels(r), `drillbit-${r.run}`);
        docker('volume', 'create', ...labels(r), `drillbit-${r.run}-data`);
      }
      const dry = drillbit('clean', '--orphans', '--dry-run');
      expect(dry.status, dry.stderr).toBe(0);
      expect(dry.stdout).toMatch(new RegExp(`orphans: would remove 2 .*${gone.run}`));
      expect(docker('network', 'ls', '-q', '--filter', `label=drillbit.run=${gone.run}`)).not.toBe('');

      const clean = drillbit('clean', '--orphans');
      expect(clean.status, clean.stderr).toBe(0);
      expect(clean.stdout).toMatch(new RegExp(`orphans: removed 2 .*${gone.run}`));
      expect(clean.stdout).not.toContain(alive.run);
      expect(docker('network', 'ls', '-q', '--filter', `label=drillbit.run=${gone.run}`)).toBe('');
      expect(docker('volume', 'ls', '-q', '--filter', `label=drillbit.run=${gone.run}`)).toBe('');
      expect(docker('network', 'ls', '-q', '--filter', `label=drillbit.run=${alive.run}`)).not.toBe('');
      expect(docker('volume', 'ls', '-q', '--filter', `label=drillbit.run=${alive.run}`)).not.toBe('');
      // Without the flag, clean never looks for orphans.
      expect(drillbit('clean').stdout).not.toMatch(/orphans/);
    } finally {
      for (const r of [gone, alive]) {
        spawnSync('docker', ['network', 'rm', `drillbit-${r.run}`]);
        spawnSync('docker', ['volume', 'rm', `drillbit-${r.run}-data`]);
      }
    }
  }, 60_000);
});
