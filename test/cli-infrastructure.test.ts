import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { projectRoot } from './drill-harness.ts';

describe('infrastructure unavailable', () => {
  it('--driver docker with no engine exits 3 with the hint to start one, and starts nothing', () => {
    const result = spawnSync(process.execPath, ['bin/drillbit.mjs', 'run', 'scenarios/crash-on-boot-never-serves.drill.ts', '--driver', 'docker'], {
      cwd: projectRoot,
      env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent/docker.sock', CI: 'true', DRILLBIT_HOME: '/tmp/drillbit-no-engine' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status, result.stderr).toBe(3);
    expect(result.stderr).toMatch(/no Docker engine at unix:\/\/\/nonexistent\/docker\.sock/);
    expect(result.stderr).toMatch(/hint: start one: dockerd/);
    expect(result.stderr).not.toMatch(/^\s+at /m);
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
