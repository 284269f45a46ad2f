import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_SERVER } from '../harness/drivers/local/test-support.ts';
import { pidsWithMarker } from '../harness/drivers/local/test-support.ts';
import { projectRoot } from './drill-harness.ts';
import { waitFor } from './process-scan.ts';

/**
 * Every process a release starts is the release's, however it detaches (issue 13 §5): a
 * release that daemonizes (nginx without `daemon off;`, a double-forking script) is
 * rejected at once with the hint, `drillbit run` ends, and nothing of it is left — on the
 * normal path, on Ctrl-C, and after a SIGKILL of the run and `drillbit clean`. Run as a user
 * runs it: the CLI, from a project folder of its own.
 */

const project = mkdtempSync(join(tmpdir(), 'drillbit-daemons-'));
const home = join(project, 'home');
afterAll(() => rmSync(project, { recursive: true, force: true }));
const env = { ...process.env, CI: 'true', DRILLBIT_HOME: home };

/** A unique string in a process's command line, to find it (and prove it is gone) by /proc. */
const marker = (what: string) => `drillbit-daemon-test-${what}-${process.pid}-${Date.now()}`;

/** A bundle of its own per call (`name-<n>`): a version label names one content in the run's ledger. */
let bundles = 0;
function bundle(name: string, files: Record<string, string>, manifest: object): string {
  name = `${name}-${++bundles}`;
  const dir = join(project, 'bundles', name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) {
    writeFileSync(join(dir, file), text);
    if (file.endsWith('.sh')) chmodSync(join(dir, file), 0o755);
  }
  writeFileSync(join(dir, 'release.json'), JSON.stringify({ service: 'web', version: name, health: { path: '/healthz', timeoutMs: 15_000 }, ...manifest }, null, 2));
  return dir;
}

const goodBundle = () => bundle('good', { 'server.mjs': TEST_SERVER }, { command: ['node', 'server.mjs'], env: { PORT: '{port}', DATA_DIR: '{dataDir}', RELEASE_NAME: 'good' } });

/** nginx (Debian's) as installed, but without `daemon off;`: it forks, calls setsid, and its launched process exits 0. */
function nginxDaemonBundle(mark: string): string {
  const conf = [
    'user root; worker_processes 1; pid ${RUN}/nginx.pid; error_log stderr notice;',
    'events { worker_connections 64; }',
    'http { access_log off; client_body_temp_path ${RUN}/body; proxy_temp_path ${RUN}/proxy; fastcgi_temp_path ${RUN}/fcgi; uwsgi_temp_path ${RUN}/uwsgi; scgi_temp_path ${RUN}/scgi;',
    '  server { listen 127.0.0.1:${PORT}; location /healthz { return 200 "ok"; } } }',
  ].join('\n');
  const start = `#!/bin/sh\nRUN="$DATA_DIR/run-$DRILLBIT_REPLICA"; mkdir -p "$RUN"\nsed -e "s|\\\${RUN}|$RUN|g" -e "s|\\\${PORT}|$PORT|g" nginx.conf > "$RUN/nginx.conf"\nexec /usr/sbin/nginx -e stderr -p "$RUN" -c "$RUN/nginx.conf" -g '# ${mark}'\n`;
  return bundle('nginx-daemon', { 'nginx.conf': conf, 'start.sh': start }, { command: ['/bin/sh', 'start.sh'], env: { PORT: '{port}', DATA_DIR: '{dataDir}' } });
}

/** The classic double fork: a child that calls setsid and serves, while the launched script exits 0. */
function doubleForkBundle(mark: string): string {
  const start = `#!/bin/sh\n( setsid node server.mjs ${mark} > /dev/null 2>&1 & )\nexit 0\n`;
  return bundle('double-fork', { 'server.mjs': TEST_SERVER, 'start.sh': start }, { command: ['/bin/sh', 'start.sh'], env: { PORT: '{port}', DATA_DIR: '{dataDir}', RELEASE_NAME: 'double-fork' } });
}

/** Healthy, but its start script leaves a double-forked helper running beside the server (which keeps the replica's stderr open). */
function leavesHelperBundle(mark: string): string {
  const start = `#!/bin/sh\n( setsid node -e 'setInterval(() => {}, 1000)' ${mark} & )\nexec node server.mjs\n`;
  return bundle('leaves-helper', { 'server.mjs': TEST_SERVER, 'start.sh': start }, { command: ['/bin/sh', 'start.sh'], env: { PORT: '{port}', DATA_DIR: '{dataDir}', RELEASE_NAME: 'leaves-helper' } });
}

function scenario(name: string, releases: Record<string, string>, steps: unknown[]): string {
  const file = join(project, `${name}.drill.json`);
  writeFileSync(file, JSON.stringify({
    name, services: { web: { releases, replicas: 1 } },
    traffic: { target: 'web', rate: 20, reads: ['/'] },
    slo: { recoveryTime: '5s', availability: 0.5 },
    steps,
  }, null, 2));
  return file;
}

function run(file: string, output: string, extraEnv: Record<string, string> = {}) {
  const started = performance.now();
  const result = spawnSync(process.execPath, [join(projectRoot, 'bin/drillbit.mjs'), 'run', file, '--output', output], { cwd: project, env: { ...env, ...extraEnv }, encoding: 'utf8', timeout: 120_000 });
  return { ...result, ms: performance.now() - started, results: existsSync(join(output, 'results.json')) ? JSON.parse(readFileSync(join(output, 'results.json'), 'utf8')) : undefined };
}

describe('a release that daemonizes, on the local driver', () => {
  it('nginx without `daemon off;`: the candidate is rejected at once with the hint, the run ends, no nginx is left', async () => {
    const mark = marker('nginx');
    const file = scenario('nginx daemonizes', { good: goodBundle(), daemon: nginxDaemonBundle(mark) }, [
      { kind: 'deploy', service: 'web', release: 'good' }, { kind: 'steady', for: '1s' },
      { kind: 'deploy', service: 'web', release: 'daemon', expect: 'rejected' }, { kind: 'steady', for: '1s' },
    ]);
    const result = run(file, join(project, 'out-nginx'));
    expect(result.error, 'drillbit run ended by itself').toBeUndefined();
    expect(result.status, result.stderr + result.stdout).toBe(0);
    const rejected = result.results.scenarios[0].timeline.find((e: { type: string; release?: string }) => e.type === 'deploy-rejected' && e.release === 'daemon');
    expect(rejected, JSON.stringify(result.results.scenarios[0].timeline)).toBeDefined();
    expect(rejected.message).toMatch(/exited with code 0 while \d+ process(es)? it started kept running \(nginx: master process/);
    expect(rejected.message).toContain('it daemonized: run it in the foreground (nginx: `daemon off;`');
    expect(rejected.message).not.toContain('did not return 200 within');
    expect(await pidsWithMarker(mark), 'no nginx of the release is left').toEqual([]);
  }, 150_000);

  it('a double-forking script, deployed as the LKG: the drill fails with the hint and nothing is left running', async () => {
    const mark = marker('fork');
    const file = scenario('double fork as LKG', { forks: doubleForkBundle(mark) }, [{ kind: 'deploy', service: 'web', release: 'forks' }, { kind: 'steady', for: '1s' }]);
    const result = run(file, join(project, 'out-fork'));
    expect(result.error).toBeUndefined();
    expect(result.status, result.stderr + result.stdout).toBe(1);
    // How many are named depends on how far the fork had got (its subshell may not have exec'd yet): at least the one that forked.
    expect(result.results.scenarios[0].reasons.join('\n')).toMatch(/exited with code 0 while \d+ process(es)? it started kept running \(.*\).*it daemonized: run it in the foreground/);
    expect(await pidsWithMarker(mark)).toEqual([]);
  }, 150_000);

  it('a helper that escaped by setsid is stopped with its replica at the end of the drill, and its open stderr does not keep drillbit running', async () => {
    const mark = marker('helper');
    const file = scenario('escaped helper', { good: leavesHelperBundle(mark) }, [{ kind: 'deploy', service: 'web', release: 'good' }, { kind: 'steady', for: '1s' }]);
    const result = run(file, join(project, 'out-helper'));
    expect(result.error).toBeUndefined();
    expect(result.status, result.stderr + result.stdout).toBe(0);
    expect(await pidsWithMarker(mark)).toEqual([]);
  }, 150_000);

  for (const how of ['SIGINT', 'SIGKILL'] as const) {
    it(`the escaped helper is gone after ${how === 'SIGINT' ? 'Ctrl-C' : 'a SIGKILL of the run and `drillbit clean`'}`, async () => {
      const mark = marker(`helper-${how}`);
      const file = scenario(`escaped helper ${how}`, { good: leavesHelperBundle(mark) }, [{ kind: 'deploy', service: 'web', release: 'good' }, { kind: 'steady', for: '60s' }]);
      const output = join(project, `out-${how}`);
      const child = spawn(process.execPath, [join(projectRoot, 'bin/drillbit.mjs'), 'run', file, '--output', output], { cwd: project, env, stdio: 'ignore' });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      await waitFor(() => (existsSync(join(output, 'journal.ndjson')) && readFileSync(join(output, 'journal.ndjson'), 'utf8').includes('"step-start"') ? true : undefined), 30_000);
      await expect.poll(() => pidsWithMarker(mark), { timeout: 10_000 }).toHaveLength(1);
      child.kill(how);
      const code = await exited;
      if (how === 'SIGINT') {
        expect(code).toBe(130);
      } else {
        expect(await pidsWithMarker(mark), 'a killed run leaves its replicas until clean').toHaveLength(1);
        const clean = spawnSync(process.execPath, [join(projectRoot, 'bin/drillbit.mjs'), 'clean'], { cwd: project, env, encoding: 'utf8' });
        expect(clean.status, clean.stderr).toBe(0);
        expect(clean.stdout).toMatch(/killed \d+ processes/);
      }
      await expect.poll(() => pidsWithMarker(mark), { timeout: 5_000 }).toEqual([]);
    }, 150_000);
  }

  it('without a PID namespace (DRILLBIT_LOCAL_CONTAINMENT=process-group) the helper escapes, as the run warns, but its open stderr does not keep drillbit run from ending', async () => {
    const mark = marker('uncontained');
    const file = scenario('uncontained helper', { good: leavesHelperBundle(mark) }, [{ kind: 'deploy', service: 'web', release: 'good' }, { kind: 'steady', for: '1s' }]);
    const result = run(file, join(project, 'out-uncontained'), { DRILLBIT_LOCAL_CONTAINMENT: 'process-group' });
    const left = await pidsWithMarker(mark);
    for (const pid of left) process.kill(pid, 'SIGKILL'); // what containment would have stopped
    expect(result.error, 'drillbit run ended by itself').toBeUndefined();
    expect(result.status, result.stderr + result.stdout).toBe(0);
    expect(result.stderr).toContain('replicas run in their process group only, not in a PID namespace (asked for: DRILLBIT_LOCAL_CONTAINMENT=process-group): a release that daemonizes escapes its replica');
    expect(left).toHaveLength(1);
  }, 150_000);

  it('DRILLBIT_LOCAL_CONTAINMENT with another value is bad input, naming it', () => {
    const result = run(scenario('bad containment', { good: goodBundle() }, [{ kind: 'deploy', service: 'web', release: 'good' }]), join(project, 'out-bad'), { DRILLBIT_LOCAL_CONTAINMENT: 'cgroup' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('DRILLBIT_LOCAL_CONTAINMENT: expected auto or process-group, got "cgroup"');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
