import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { DeployRejectedError } from '../deploy-rejected-error.ts';
import type { ResolvedRelease } from '../driver.ts';
import { describeWithDocker } from './describe-with-docker.ts';
import { DockerTestBed, PROJECT_ROOT } from './test-support.ts';

/**
 * Boot failures that say why, for containers as for local replicas (issue 13 §4): the
 * meaningful lines of the container's log (the error and its first frame, not the last
 * line), its log kept in the work dir, and the classic container mistake — a release that
 * listens only on 127.0.0.1 inside its container — told at once, with the fix.
 */
const bed = new DockerTestBed();

function bundle(name: string, server: string, env: Record<string, string>): string {
  const dir = join(bed.root, 'bundles', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'server.js'), server);
  writeFileSync(join(dir, 'release.json'), JSON.stringify({ service: 'web', version: name, command: ['node', 'server.js'], env: { PORT: '{port}', ...env }, health: { path: '/healthz', timeoutMs: 15_000 } }));
  return dir;
}

const resolveBundle = (dir: string): Promise<ResolvedRelease> => bed.driver.resolveRelease('web', 'candidate', dir, PROJECT_ROOT, { storeDir: bed.storeDir });

await describeWithDocker('docker driver: boot failures that say why', () => {
  beforeAll(() => bed.setup([]), 60_000);
  afterEach(async () => expect(await bed.teardown()).toEqual([]));
  afterAll(() => bed.close());

  it('a release that crashes on boot: the error and its first frame from the container log, and the log kept in the work dir', async () => {
    const crash = await resolveBundle(bundle('missing-module', "const pad = require('left-pad');\nrequire('http').createServer(() => {}).listen(process.env.PORT);\n", {}));
    const { env, ctx } = await bed.up({ services: { web: { replicas: 1, strategy: 'blue-green' } } }, 'crash');
    const rejected = (await env.deploy('web', crash).catch((error: unknown) => error)) as Error;
    expect(rejected).toBeInstanceOf(DeployRejectedError);
    expect(rejected.message).toMatch(/exited with code 1 before becoming healthy: Error: Cannot find module 'left-pad'.* · at Object\.<anonymous> \(\/app\/server\.js:1:13\) \(log: .*\/logs\/web-g1-0\.log\)$/);
    expect(rejected.message).not.toContain('Node.js v');
    const log = join(ctx.workDir, 'logs', 'web-g1-0.log');
    expect(existsSync(log)).toBe(true);
    expect(readFileSync(log, 'utf8')).toContain("Cannot find module 'left-pad'");
  });

  it('a release that listens only on 127.0.0.1 inside its container is rejected at once, with the fix — not after the 15 s health timeout', async () => {
    const loopback = await resolveBundle(bundle('loopback-only', "require('http').createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT), '127.0.0.1');\n", {}));
    const { env } = await bed.up({ services: { web: { replicas: 1, strategy: 'blue-green' } } }, 'loopback');
    const started = performance.now();
    const rejected = (await env.deploy('web', loopback).catch((error: unknown) => error)) as Error;
    const tookMs = performance.now() - started;
    expect(rejected).toBeInstanceOf(DeployRejectedError);
    expect(rejected.message).toContain('listens on 127.0.0.1:8080 inside its container, which its published port cannot reach: listen on all interfaces — give it {host}');
    expect(tookMs, 'rejected before the health check would have timed out').toBeLessThan(15_000);
  });

  it('the same release given {host} serves', async () => {
    const fixed = await resolveBundle(bundle('all-interfaces', "require('http').createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT), process.env.HOST);\n", { HOST: '{host}' }));
    const { env } = await bed.up({ services: { web: { replicas: 1, strategy: 'blue-green' } } }, 'fixed');
    await env.deploy('web', fixed);
    expect(await (await fetch(new URL('/healthz', env.address('web')))).text()).toBe('ok');
  });
});
