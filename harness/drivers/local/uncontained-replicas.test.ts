import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeployRejectedError } from '../deploy-rejected-error.ts';
import type { DriverContext } from '../driver.ts';
import { removeReadOnlyTree } from '../../release/release-store.ts';
import { LocalDriver } from './local-driver.ts';
import { pidsWithMarker, testContext, writeTestBundle } from './test-support.ts';

/**
 * Where no PID namespace can be made (not Linux, no `unshare`, refused), replicas are their
 * process group only (forced here with `containment: 'process-group'`): a daemon escapes and
 * the run warns so, but it still cannot keep the harness waiting on its open stdout/stderr,
 * and a command that exits 0 before it is healthy is told it has probably daemonized.
 */
let root: string;
const contexts: DriverContext[] = [];
const escaped: number[] = [];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'drillbit-uncontained-'));
});
afterEach(async () => {
  for (const ctx of contexts.splice(0)) await ctx.teardown.runAll();
  for (const pid of escaped.splice(0)) process.kill(pid, 'SIGKILL'); // what containment would have stopped
  await removeReadOnlyTree(root);
});

async function bundleWith(start: string, name: string) {
  const driver = new LocalDriver({ containment: 'process-group' });
  const dir = await writeTestBundle(join(root, 'bundles'), name, { command: ['/bin/sh', 'start.sh'] });
  await writeFile(join(dir, 'start.sh'), start);
  const release = await driver.resolveRelease('shop', name, dir, root, { storeDir: join(root, 'store') });
  const ctx = testContext(join(root, 'work'));
  contexts.push(ctx);
  const env = await driver.up({ services: { shop: { replicas: 1, strategy: 'blue-green' } } }, ctx);
  return { env, release };
}

describe('replicas without a PID namespace (process group only)', () => {
  it('a double fork that keeps the replica\'s stderr open: rejected with the likely cause, and the deploy does not wait on the open pipe', async () => {
    const mark = `drillbit-uncontained-${process.pid}-${Date.now()}`;
    const { env, release } = await bundleWith(`( setsid node -e 'setInterval(() => {}, 1000)' ${mark} & )\nexit 0\n`, 'forks');
    const rejected = (await env.deploy('shop', release).catch((error: unknown) => error)) as Error;
    escaped.push(...(await pidsWithMarker(mark)));
    expect(rejected).toBeInstanceOf(DeployRejectedError);
    expect(rejected.message).toContain('exited with code 0 before becoming healthy: a command that exits 0 before it is healthy has usually daemonized: run it in the foreground');
    expect(escaped, 'without a namespace the daemon escapes (the run warns that it can)').toHaveLength(1);
    await env.down();
  });

  it('a healthy replica whose escaped helper holds its stderr: down() ends anyway', async () => {
    const mark = `drillbit-uncontained-helper-${process.pid}-${Date.now()}`;
    const { env, release } = await bundleWith(`( setsid node -e 'setInterval(() => {}, 1000)' ${mark} & )\nexec node server.mjs\n`, 'helper');
    await env.deploy('shop', release);
    escaped.push(...(await pidsWithMarker(mark)));
    expect(escaped).toHaveLength(1);
    await env.down();
  });
});
