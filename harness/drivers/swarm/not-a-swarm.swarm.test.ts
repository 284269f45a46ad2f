import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DockerEngine } from '../docker/docker-engine.ts';
import { PROJECT_ROOT } from '../docker/test-support.ts';
import { describeWithSwarm } from './describe-with-swarm.ts';

const DOCKERD = ['/usr/sbin/dockerd', '/usr/bin/dockerd'].find((p) => existsSync(p));

/**
 * Bad infrastructure, for real: a second Docker engine of this test's own (its own socket,
 * data and exec roots, its own bridge, no iptables), which is not in a swarm. `drillbit run
 * --driver swarm` against it exits 3 with the hint to `docker swarm init`.
 * Never `--bridge=none`: a dockerd started so deletes the host's `docker0`, which the shared
 * engine's containers need; the second engine gets a bridge of its own, removed after.
 */
await describeWithSwarm('swarm driver: an engine that is not a swarm manager', () => {
  let dir = '';
  let daemon: ChildProcess | undefined;
  let socket = '';
  const bridge = `dbt-e2-${process.pid % 100_000}`;

  beforeAll(async () => {
    if (!DOCKERD || process.getuid?.() !== 0) throw new Error('needs dockerd and root to start a second engine');
    dir = await mkdtemp(join(tmpdir(), 'drillbit-engine2-'));
    socket = join(dir, 'docker.sock');
    const made = spawnSync('ip', ['link', 'add', bridge, 'type', 'bridge'], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`ip link add ${bridge}: ${made.stderr}`);
    daemon = spawn(DOCKERD, ['-H', `unix://${socket}`, '--data-root', join(dir, 'root'), '--exec-root', join(dir, 'exec'), '--pidfile', join(dir, 'docker.pid'), '--bridge', bridge, '--iptables=false', '--ip-masq=false', '--ip6tables=false'], { stdio: 'ignore' });
    const engine = DockerEngine.at(`unix://${socket}`);
    const deadline = Date.now() + 30_000;
    while (!(await engine.available(1000))) {
      if (Date.now() > deadline) throw new Error('the second dockerd did not start');
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 60_000);

  afterAll(async () => {
    if (daemon?.pid) {
      const exited = new Promise((resolve) => daemon!.once('exit', resolve));
      daemon.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    }
    spawnSync('ip', ['link', 'del', bridge]);
    if (dir) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }, 30_000);

  it('drillbit run --driver swarm: exit 3, "not in a swarm", and the hint to docker swarm init', { timeout: 60_000 }, async () => {
    const output = join(dir, 'out');
    const run = spawnSync(process.execPath, ['bin/drillbit.mjs', 'run', 'scenarios/planned-rollback-v2-to-v1.drill.ts', '--driver', 'swarm', '--output', output], {
      cwd: PROJECT_ROOT, encoding: 'utf8', env: { ...process.env, CI: 'true', DOCKER_HOST: `unix://${socket}`, DRILLBIT_HOME: join(dir, 'state') },
    });
    expect(run.status, run.stderr).toBe(3);
    expect(run.stderr).toContain(`the Docker engine at unix://${socket} is not in a swarm (swarm state: inactive)`);
    expect(run.stderr).toContain('hint: make this engine a swarm manager: docker swarm init --advertise-addr 127.0.0.1');
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace for bad infrastructure
  });
});
