import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { drillbitInProcess } from './cli-in-process.ts';
import { projectRoot } from './drill-harness.ts';
import { describeWithDocker } from '../harness/drivers/docker/describe-with-docker.ts';
import { DockerEngine } from '../harness/drivers/docker/docker-engine.ts';
import { LABELS } from '../harness/drivers/docker/docker-names.ts';
import { sleep } from '../harness/util/sleep.ts';

/** `drillbit drift` on a live docker run: the engine's labelled containers against the ledger. */
await describeWithDocker('drillbit drift on a live docker run', () => {
  it('says ok, then names a container taken away and a file edited inside one', { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drillbit-cli-drift-docker-'));
    const stateDir = join(dir, 'state');
    const ledger = join(dir, 'ledger.ndjson');
    const file = join(dir, 'live.drill.yaml');
    writeFileSync(file, `name: live docker drift\nservices:\n  shop:\n    releases: { v1: ${join(projectRoot, 'fixtures/shop/v1')} }\n    replicas: 2\nslo: { recoveryTime: 1s }\nsteps:\n  - { kind: deploy, service: shop, release: v1 }\n  - { kind: wait, for: 10s }\n`);
    const run = drillbitInProcess(['run', file, '--driver', 'docker', '--ledger', ledger, '--output', join(dir, 'out')], { stateDir });
    const engine = DockerEngine.at();
    const containers = await waitForDeploy(engine, ledger);

    const clean = await drillbitInProcess(['drift', '--ledger', ledger], { stateDir });
    expect(clean.stdout).toMatch(/^ok {4}"live docker drift" attempt 1 \(docker, run .*\)\n$/);
    expect(clean.code).toBe(0);

    const [first, second] = containers;
    const exec = await engine.docker.getContainer(first!).exec({ Cmd: ['node', '-e', "require('fs').appendFileSync('/app/server.mjs', '\\n')"] });
    await exec.start({});
    await sleep(500);
    await engine.docker.getContainer(second!).kill({ signal: 'SIGKILL' });
    await sleep(500);
    const drifted = await drillbitInProcess(['drift', '--ledger', ledger], { stateDir });
    expect(drifted.code).toBe(1);
    expect(drifted.stdout).toContain('  shop: replicas: desired 2, observed 1\n');
    expect(drifted.stdout).toMatch(/ {2}shop\/shop-g1-\d: content: desired the files of sha256:\w+, observed its files no longer hash to its digest\n/);
    await run;
  });
});

/** The run's shop containers, once its deploy is in the ledger. */
async function waitForDeploy(engine: DockerEngine, ledger: string): Promise<string[]> {
  const { readFileSync, existsSync } = await import('node:fs');
  for (let i = 0; i < 600; i++) {
    if (existsSync(ledger) && readFileSync(ledger, 'utf8').includes('"type":"deploy"')) {
      const runId = (JSON.parse(readFileSync(ledger, 'utf8').split('\n').find((l) => l.includes('"type":"deploy"'))!) as { runId: string }).runId;
      const list = await engine.docker.listContainers({ filters: { label: [`${LABELS.run}=${runId}`, `${LABELS.service}=shop`] } });
      return list.map((c) => c.Id);
    }
    await sleep(100);
  }
  throw new Error('the run never deployed');
}
