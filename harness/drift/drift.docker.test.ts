import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeWithDocker } from '../drivers/docker/describe-with-docker.ts';
import { DockerDriver } from '../drivers/docker/docker-driver.ts';
import { driftCheckOf, driftDrill } from './test-support.ts';

/** The same drifts on the docker driver: a file edited inside a container, a container recreated with another env, one taken away. */
const stateDir = mkdtempSync(join(tmpdir(), 'drillbit-drift-docker-'));
const driver = () => DockerDriver.fromEnvironment(process.env);

await describeWithDocker('drift detection on the docker driver', () => {
  it('passes when what runs is what the ledger says', { timeout: 180_000 }, async () => {
    const { result } = await driftDrill(driver(), stateDir);
    expect(driftCheckOf(result)).toMatchObject({ status: 'passed' });
    expect(result.status).toBe('passed');
  });

  it('catches a file edited inside a running container', { timeout: 60_000 }, async () => {
    const { result } = await driftDrill(driver(), stateDir, { kind: 'file', path: 'server.mjs' });
    expect(driftCheckOf(result)).toMatchObject({ status: 'failed', message: expect.stringMatching(/^shop\/shop-g1-0: content: desired the files of sha256:\w+, observed changed: server\.mjs$/) });
    expect(result.checks.find((c) => c.name === 'LKG state at end of drill')?.status).toBe('passed');
    expect(result.faults[0]).toMatchObject({ status: 'reverted' });
  });

  it('catches a container recreated with another env', { timeout: 60_000 }, async () => {
    const { result } = await driftDrill(driver(), stateDir, { kind: 'env', env: { SHOP_BEHAVIOUR: 'errors' } });
    expect(driftCheckOf(result)?.message).toContain('shop/shop-g1-0: env SHOP_BEHAVIOUR: desired "good", observed "errors"');
    expect(driftCheckOf(result)?.status).toBe('failed');
  });

  it('catches a container taken away (scaled down)', { timeout: 60_000 }, async () => {
    const { result } = await driftDrill(driver(), stateDir, { kind: 'replicas' });
    expect(driftCheckOf(result)).toMatchObject({ status: 'failed', message: 'shop: replicas: desired 2, observed 1' });
  });
});
