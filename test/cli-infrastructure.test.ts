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
});
