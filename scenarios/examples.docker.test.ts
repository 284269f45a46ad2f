import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { projectRoot, runDrillFiles } from '../test/drill-harness.ts';
import { resultsContract } from '../test/results-contract.ts';
import { expectExamples } from '../test/example-expectations.ts';
import { describeWithDocker } from '../harness/drivers/docker/describe-with-docker.ts';
import { DockerDriver } from '../harness/drivers/docker/docker-driver.ts';
import { buildBundleImages } from '../harness/drivers/docker/bundle-images.ts';
import { removeReadOnlyTree } from '../harness/release/release-store.ts';

/** The same example scenarios, unchanged, on the docker driver against the real engine. */
await describeWithDocker('example scenarios on the docker driver', () => {
  // The images docker-compose.yml names (what `drillbit images build` makes), for the compose scenarios.
  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'drillbit-images-'));
    try {
      const bundles = ['fixtures/shop/v1', 'fixtures/stock/v1'].map((p) => resolve(projectRoot, p));
      await buildBundleImages(new DockerDriver(), bundles, { repository: 'drillbit', storeDir: join(dir, 'store'), cwd: projectRoot });
    } finally {
      await removeReadOnlyTree(join(dir, 'store'));
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it('all pass, with results that match the contract and what each example promises', { timeout: 300_000 }, async () => {
    const results = await runDrillFiles(['scenarios'], { driver: DockerDriver.fromEnvironment(process.env) });
    expect(resultsContract.safeParse(JSON.parse(JSON.stringify(results))).error).toBeUndefined();
    // Every example but the swarm-only one, each with its LKG map, recovery numbers and data (test/example-expectations.ts).
    expectExamples(results, 'docker');
    expect(results.skipped?.map((s) => [s.file, s.reason])).toEqual([['scenarios/swarm-orchestrator-rollback.drill.ts', expect.stringContaining('needs --driver swarm')]]);
  });
});
