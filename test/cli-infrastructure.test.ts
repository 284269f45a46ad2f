import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeWithDocker } from '../harness/drivers/docker/describe-with-docker.ts';
import { DockerEngine } from '../harness/drivers/docker/docker-engine.ts';
import { LABELS as DOCKER_LABELS } from '../harness/drivers/docker/docker-names.ts';
import { projectRoot } from './drill-harness.ts';
import { processesUnder } from './process-scan.ts';

/** `drillbit run --driver docker` against an engine that is not there, with its own state and output folders. */
function runWithoutEngine() {
  const root = mkdtempSync(join(tmpdir(), 'drillbit-no-engine-'));
  const home = join(root, 'home');
  const output = join(root, 'out');
  const result = spawnSync(process.execPath, ['bin/drillbit.mjs', 'run', 'scenarios/crash-on-boot-never-serves.drill.ts', '--driver', 'docker', '--output', output], {
    cwd: projectRoot,
    env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent/docker.sock', CI: 'true', DRILLBIT_HOME: home },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { result, root, home, output };
}

describe('infrastructure unavailable', () => {
  it('--driver docker with no engine exits 3 with the hint to start one, and starts nothing', () => {
    const { result, root, home, output } = runWithoutEngine();
    expect(result.status, result.stderr).toBe(3);
    expect(result.stderr).toMatch(/no Docker engine at unix:\/\/\/nonexistent\/docker\.sock/);
    expect(result.stderr).toMatch(/hint: start one: dockerd/);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    // Nothing started: no state (runs, pid files, ledger, store), no report, no process left that names the folders.
    expect(readdirSync(root), 'what the run left in its folders').toEqual([]);
    expect(existsSync(home) || existsSync(output)).toBe(false);
    expect(processesUnder(root)).toEqual([]);
  });

  it('a DOCKER_HOST on another machine is refused (exit 2, naming it) unless --allow-remote-engine says so', () => {
    const run = (...extra: string[]) =>
      spawnSync(process.execPath, ['bin/drillbit.mjs', 'run', 'scenarios/crash-on-boot-never-serves.drill.ts', '--driver', 'docker', ...extra], {
        cwd: projectRoot,
        // 192.0.2.1 is TEST-NET-1: nothing answers there.
        env: { ...process.env, DOCKER_HOST: 'tcp://192.0.2.1:2375', CI: 'true', DRILLBIT_HOME: '/tmp/drillbit-remote-engine' },
        encoding: 'utf8',
        timeout: 60_000,
      });
    const refused = run();
    expect(refused.status, refused.stderr).toBe(2);
    expect(refused.stderr).toMatch(/DOCKER_HOST tcp:\/\/192\.0\.2\.1:2375 is another machine/);
    expect(refused.stderr).toMatch(/hint: pass --allow-remote-engine/);
    const allowed = run('--allow-remote-engine');
    expect(allowed.status, allowed.stderr).toBe(3); // allowed, and then not there
    expect(allowed.stderr).toMatch(/no Docker engine at tcp:\/\/192\.0\.2\.1:2375/);
  });
});

// A driver that ignored DOCKER_HOST would fall back to the system socket: where an engine answers, it must hold nothing of the run.
await describeWithDocker('infrastructure unavailable, with an engine on the system socket', () => {
  it('--driver docker with DOCKER_HOST pointing nowhere creates no container, network or volume on the system engine', async () => {
    const { result, home } = runWithoutEngine();
    expect(result.status, result.stderr).toBe(3);
    const { docker } = DockerEngine.at();
    const filters = JSON.stringify({ label: [DOCKER_LABELS.workDir] });
    const workDirs = [
      ...(await docker.listContainers({ all: true, filters })).map((c) => c.Labels[DOCKER_LABELS.workDir]),
      ...(await docker.listNetworks({ filters })).map((n) => n.Labels?.[DOCKER_LABELS.workDir]),
      ...((await docker.listVolumes({ filters })).Volumes ?? []).map((v) => v.Labels?.[DOCKER_LABELS.workDir]),
    ];
    expect(workDirs.filter((dir) => dir?.startsWith(home))).toEqual([]);
  });
});
