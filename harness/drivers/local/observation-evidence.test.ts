import { chmod, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DriverContext, ResolvedRelease } from '../driver.ts';
import { removeReadOnlyTree } from '../../release/release-store.ts';
import { compareWithLkg, lkgEqualityCheck } from '../../checks/lkg-equality-check.ts';
import { LocalDriver } from './local-driver.ts';
import type { LocalEnvironment } from './local-environment.ts';
import { pidsWithMarker, testContext, writeTestBundle } from './test-support.ts';

/**
 * Observation never invents drift for programs that rewrite their own environment, argv or
 * working directory (issue 13 §2): what a local replica runs is read from the process
 * Drillbit launched, which the release cannot rewrite; real drift is still seen.
 */

let root: string;
let driver: LocalDriver;
const contexts: DriverContext[] = [];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'drillbit-evidence-'));
  driver = new LocalDriver();
});
afterEach(async () => {
  for (const ctx of contexts.splice(0)) expect(await ctx.teardown.runAll()).toEqual([]);
  await removeReadOnlyTree(root);
});

async function up(): Promise<LocalEnvironment> {
  const ctx = testContext(join(root, 'work'));
  contexts.push(ctx);
  return driver.up({ services: { web: { replicas: 1, strategy: 'blue-green' } } }, ctx);
}

function resolve(name: string, dir: string): Promise<ResolvedRelease> {
  return driver.resolveRelease('web', name, dir, root, { storeDir: join(root, 'store') });
}

/** nginx (Debian's), started as its official image starts it: a script renders the config from env, then `exec`s nginx, which clears its environment. */
async function nginxBundle(marker: string): Promise<string> {
  const dir = join(root, 'bundles', 'nginx');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'nginx.conf.template'), [
    'user root; worker_processes 1; pid ${RUN_DIR}/nginx.pid; error_log stderr notice;',
    'events { worker_connections 64; }',
    'http { access_log off; client_body_temp_path ${RUN_DIR}/body; proxy_temp_path ${RUN_DIR}/proxy; fastcgi_temp_path ${RUN_DIR}/fcgi; uwsgi_temp_path ${RUN_DIR}/uwsgi; scgi_temp_path ${RUN_DIR}/scgi;',
    '  server { listen ${HOST}:${PORT}; location = /healthz { return 200 "ok\\n"; } location / { return 200 "${GREETING}\\n"; } } }',
    '',
  ].join('\n'));
  await writeFile(join(dir, 'start.sh'), [
    '#!/bin/sh',
    'set -e',
    'RUN_DIR="$DATA_DIR/run-$DRILLBIT_REPLICA"; export RUN_DIR; mkdir -p "$RUN_DIR"',
    'sed -e "s|\\${RUN_DIR}|$RUN_DIR|g" -e "s|\\${HOST}|$HOST|g" -e "s|\\${PORT}|$PORT|g" -e "s|\\${GREETING}|$GREETING|g" nginx.conf.template > "$RUN_DIR/nginx.conf"',
    `exec /usr/sbin/nginx -e stderr -p "$RUN_DIR" -c "$RUN_DIR/nginx.conf" -g 'daemon off; # ${marker}'`,
    '',
  ].join('\n'));
  await chmod(join(dir, 'start.sh'), 0o755);
  await writeFile(join(dir, 'release.json'), JSON.stringify({
    service: 'web', version: '1.0.0', command: ['/bin/sh', 'start.sh'],
    env: { PORT: '{port}', HOST: '{host}', DATA_DIR: '{dataDir}', GREETING: 'hello from nginx' },
    health: { path: '/healthz', timeoutMs: 5000 },
  }, null, 2));
  return dir;
}

async function environOf(pid: number): Promise<string[]> {
  return (await readFile(`/proc/${pid}/environ`, 'utf8')).split('\0').filter(Boolean);
}

describe('observing a local replica from the process Drillbit launched', () => {
  it('nginx, exec\'d by its start script, clears its env; it is observed as launched: its release, its config, no drift', async () => {
    const marker = `drillbit-evidence-${process.pid}-${Date.now()}`;
    const release = await resolve('nginx', await nginxBundle(marker));
    const env = await up();
    await env.deploy('web', release);
    const [master] = await pidsWithMarker(marker);
    expect(master, 'nginx runs').toBeDefined();
    // What the old observation read: nginx's own environ no longer holds the manifest's keys.
    expect((await environOf(master!)).some((e) => e.startsWith('GREETING='))).toBe(false);

    const [observed] = (await env.observe()).web!.replicas;
    expect(observed).toMatchObject({ digest: release.digest, configDigest: release.configDigest, healthy: true, serving: true, evidence: { release: 'launcher-cwd', config: 'launcher-environ' } });
    expect(observed!.env).toEqual(release.manifest.env);
    const check = lkgEqualityCheck('LKG state restored', compareWithLkg(await env.observe(), new Map([['web', release]]), { web: 1 }));
    expect(check).toMatchObject({ status: 'passed' });
  });

  it('a Node release that sets a long process.title (which overwrites its argv and environ in memory) and changes directory is observed as launched', async () => {
    const dir = await writeTestBundle(join(root, 'bundles'), 'titled', {
      service: 'web',
      command: ['/bin/sh', '-c', `exec ${process.execPath} -e "process.title = 'web: serving on ' + process.env.PORT + ' '.repeat(2000); process.chdir('/tmp'); import(process.argv[1])" "$PWD/server.mjs"`],
    });
    const release = await resolve('titled', dir);
    const env = await up();
    await env.deploy('web', release);
    const [observed] = (await env.observe()).web!.replicas;
    expect(observed).toMatchObject({ digest: release.digest, configDigest: release.configDigest, healthy: true, evidence: { release: 'launcher-cwd', config: 'launcher-environ' } });
  });

  it('a replica relaunched with other env (drift, as the drift fault makes it) is seen with that env: drift is still observed', async () => {
    const release = await resolve('drift', await writeTestBundle(join(root, 'bundles'), 'drift', { service: 'web', env: { FLAVOUR: 'vanilla' } }));
    const env = await up();
    await env.deploy('web', release);
    const [before] = (await env.observe()).web!.replicas;
    await env.processFaults.recreateReplicaWithEnv!('web', before!.id, { FLAVOUR: 'chocolate' });
    const [after] = (await env.observe()).web!.replicas;
    expect(after).toMatchObject({ digest: release.digest, evidence: { config: 'launcher-environ' } });
    expect(after!.configDigest).not.toBe(release.configDigest);
    expect(after!.env?.FLAVOUR).toBe('chocolate');
    const check = lkgEqualityCheck('LKG state restored', compareWithLkg(await env.observe(), new Map([['web', release]]), { web: 1 }));
    expect(check).toMatchObject({ status: 'failed', message: expect.stringContaining('config drift') });
  });
});
