import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { runDrillFiles } from '../../../test/drill-harness.ts';
import { DrillbitError } from '../../errors.ts';
import type { EnvironmentSpec, ResolvedRelease } from '../driver.ts';
import { buildBundleImages } from './bundle-images.ts';
import { describeWithDocker } from './describe-with-docker.ts';
import { DockerDriver } from './docker-driver.ts';
import { AttemptNames, LABELS } from './docker-names.ts';
import { listLabelled } from './labelled-resources.ts';
import { DockerTestBed, PROJECT_ROOT, request } from './test-support.ts';

const bed = new DockerTestBed();
const SAMPLE = resolve(PROJECT_ROOT, 'docker-compose.yml');
let composeDir = '';

/** The scenario side: shop under test with two releases, nothing else listed. */
function shopOnly(): { base: EnvironmentSpec; releases: Map<string, Map<string, ResolvedRelease>> } {
  return {
    base: { services: { shop: { replicas: 1, strategy: 'blue-green', dependsOn: [] } } },
    releases: new Map([['shop', new Map([['good', bed.release('shopV1WithStock')], ['plain', bed.release('shopV1')]])]]),
  };
}

async function composeFile(name: string, text: string): Promise<string> {
  const file = join(composeDir, name, 'docker-compose.yml');
  await mkdir(join(composeDir, name), { recursive: true });
  await writeFile(file, text);
  return file;
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`nothing after ${timeoutMs}ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function rejection(promise: Promise<unknown>): Promise<DrillbitError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(DrillbitError);
  return error as DrillbitError;
}

await describeWithDocker('compose environments on the docker driver', () => {
  beforeAll(async () => {
    await bed.setup(['shopV1', 'shopV1WithStock', 'stockV1']);
    composeDir = join(bed.root, 'compose');
    const fixtures = ['fixtures/shop/v1', 'fixtures/stock/v1'].map((p) => resolve(PROJECT_ROOT, p));
    await buildBundleImages(bed.driver, fixtures, { repository: 'drillbit', storeDir: bed.storeDir, cwd: PROJECT_ROOT });
  }, 120_000);
  afterEach(async () => expect(await bed.teardown()).toEqual([]));
  afterAll(() => bed.close());

  it('a compose file the tool rejects is bad input with the tool\'s own message, naming the file', async () => {
    const { base, releases } = shopOnly();
    const misspelled = await composeFile('misspelled', 'version: "2.4"\nservices:\n  shop:\n    image: drillbit/shop:v1\n    enviroment:\n      A: b\n');
    const error = await rejection(bed.driver.resolveEnvironment(base, { compose: misspelled }, releases));
    expect(error.code).toBe('bad-input');
    expect(error.message).toContain('docker-compose.yml: ');
    expect(error.message).toContain("Unsupported config option for services.shop: 'enviroment'");

    const broken = await composeFile('broken', 'services:\n  shop: [\n');
    expect((await rejection(bed.driver.resolveEnvironment(base, { compose: broken }, releases))).message).toMatch(/docker-compose\.yml: .*while parsing/s);
  }, 30_000);

  it('a dependency whose image is not in the engine, one with only build:, one that depends on the service under test: every problem at once', async () => {
    const { base, releases } = shopOnly();
    const file = await composeFile('problems', [
      'version: "2.4"',
      'services:',
      '  shop: { image: drillbit/shop:v1 }',
      '  ghost: { image: "drillbit/ghost:v9" }',
      '  built: { build: . }',
      '  worker: { image: "drillbit/stock:v1", depends_on: [shop] }',
      '',
    ].join('\n'));
    const error = await rejection(bed.driver.resolveEnvironment(base, { compose: file }, releases));
    expect(error.code).toBe('bad-input');
    expect(error.message).toContain('services.ghost: image drillbit/ghost:v9 not found locally; no registry is reachable');
    expect(error.message).toContain('services.built: has no image (only build:)');
    expect(error.message).toContain('services.worker: depends on shop, which the scenario deploys');
  }, 30_000);

  it('merges the sample stack: shop under test keeps its releases over the compose environment; stock is a dependency pinned by image ID', async () => {
    const { base, releases } = shopOnly();
    const resolved = await bed.driver.resolveEnvironment(base, { compose: SAMPLE }, releases);
    const stock = resolved.spec.services.stock!;
    expect(stock.startWith?.image?.id).toBe((await bed.engine.inspectImage('drillbit/stock:v1'))!.Id);
    expect(stock.startWith?.digest).toBe(bed.release('stockV1').digest); // the image was built from that bundle
    expect(stock.container?.readiness).toBe('healthcheck');
    const shop = resolved.spec.services.shop!;
    expect(shop.dependsOn).toEqual(['stock']);
    expect(shop.container?.healthcheck?.intervalMs).toBe(500);
    expect(shop.container?.volumes).toEqual([{ type: 'volume', source: 'shop-data', target: '/data', readOnly: false }]);
    const plain = resolved.releases.get('shop')!.get('plain')!;
    expect(plain.digest).toBe(bed.release('shopV1').digest);
    expect(plain.manifest.env.STOCK_URL).toBe('http://{addr:stock}'); // from compose, rewritten to the link
    expect(plain.manifest.env.SHOP_VERSION).toBe('1.0.0'); // the release's own
    expect(plain.configDigest).not.toBe(bed.release('shopV1').configDigest);
    expect(resolved.releases.get('shop')!.get('good')!.manifest.env.STOCK_URL).toBe('{url:stock}');
  }, 30_000);

  it('starts the dependency with testcontainers on the run\'s network, labelled with the run; the shop reaches it through its link; nothing is left after teardown', async () => {
    const { base, releases } = shopOnly();
    const resolved = await bed.driver.resolveEnvironment(base, { compose: SAMPLE }, releases);
    const { env, ctx } = await bed.up(resolved.spec, 'compose-up');
    const [stock] = env.processFaults.replicas('stock');
    const info = (await bed.engine.inspectContainer(stock!.containerId!))!;
    expect(info.Config.Labels[LABELS.run]).toBe(ctx.runId);
    expect(info.Config.Labels['org.testcontainers']).toBe('true');
    expect(info.State.Health?.Status).toBe('healthy');
    expect(info.HostConfig.Init).toBe(true);
    expect(Object.keys(info.NetworkSettings.Networks)).toEqual([new AttemptNames(ctx.runId, ctx.workDir).network]);

    await env.deploy('shop', resolved.releases.get('shop')!.get('plain')!);
    const products = await request(new URL('/products', env.address('shop')));
    expect(products.status).toBe(200);
    expect(JSON.parse(products.body)[0]).toHaveProperty('available'); // shop asked stock, through the shop->stock link
    const shopInfo = (await bed.engine.inspectContainer(env.processFaults.replicas('shop')[0]!.containerId!))!;
    expect(shopInfo.Config.Healthcheck?.Test).toEqual(['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:8080/healthz']);
    const observed = await env.observe();
    expect(observed.stock!.replicas[0]).toMatchObject({ serving: true, healthy: true, digest: bed.release('stockV1').digest });

    await ctx.teardown.runAll();
    expect(await listLabelled(bed.engine, LABELS.run, ctx.runId)).toEqual([]);
  }, 60_000);

  it('a dependency that never gets ready (its healthcheck fails) fails the environment, and its container is gone', async () => {
    const file = await composeFile('unready', [
      'version: "2.4"',
      'services:',
      '  stock:',
      '    image: drillbit/stock:v1',
      '    healthcheck: { test: ["CMD", "false"], interval: 100ms, timeout: 1s, retries: 2 }',
      '',
    ].join('\n'));
    const resolved = await bed.driver.resolveEnvironment({ services: {} }, { compose: file }, new Map());
    const ctx = bed.context('unready');
    const started = performance.now();
    const error = await bed.driver.up(resolved.spec, ctx).then(() => undefined, (e: unknown) => e as Error);
    expect(error?.message).toMatch(/dependency stock \(drillbit\/stock:v1\) did not get ready: Health check failed: unhealthy/);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect((await listLabelled(bed.engine, LABELS.run, ctx.runId)).filter((l) => l.startsWith('container'))).toEqual([]);
  }, 60_000);

  it('a dependency that exits while the wait strategy waits fails at once, with its last log lines', async () => {
    const file = await composeFile('crashing', [
      'version: "2.4"',
      'services:',
      '  stock:',
      '    image: drillbit/stock:v1',
      '    command: ["node", "-e", "console.error(\'stock cannot start: no disk\'); setTimeout(() => process.exit(3), 300)"]',
      '    healthcheck: { test: ["CMD", "wget", "-q", "http://127.0.0.1:8080/healthz"], interval: 10s, retries: 3 }',
      '',
    ].join('\n'));
    const resolved = await bed.driver.resolveEnvironment({ services: {} }, { compose: file }, new Map());
    const ctx = bed.context('crashing');
    const started = performance.now();
    const error = await bed.driver.up(resolved.spec, ctx).then(() => undefined, (e: unknown) => e as Error);
    expect(error?.message).toMatch(/did not get ready: the container exited with code 3 before it was ready; last log lines: .*stock cannot start: no disk/);
    expect(performance.now() - started).toBeLessThan(8_000); // not the healthcheck's 80 s worst case
    expect((await listLabelled(bed.engine, LABELS.run, ctx.runId)).filter((l) => l.startsWith('container'))).toEqual([]);
  }, 60_000);

  it('a dependency without a healthcheck is awaited over HTTP on its health path, polled fast', async () => {
    const file = await composeFile('http-wait', 'version: "2.4"\nservices:\n  stock:\n    image: drillbit/stock:v1\n');
    const resolved = await bed.driver.resolveEnvironment({ services: {} }, { compose: file }, new Map());
    expect(resolved.spec.services.stock!.container?.readiness).toBe('http');
    const started = performance.now();
    const { env } = await bed.up(resolved.spec, 'http-wait');
    expect(performance.now() - started).toBeLessThan(5_000);
    expect((await request(new URL('/healthz', env.address('stock')))).status).toBe(200);
  }, 60_000);

  it('`drillbit images build` tags a bundle\'s image; a second run changes nothing', () => {
    const env = { ...process.env, DRILLBIT_HOME: join(bed.root, 'cli-state') };
    const run = () => spawnSync(process.execPath, ['bin/drillbit.mjs', 'images', 'build', 'fixtures/stock/v1'], { cwd: PROJECT_ROOT, env, encoding: 'utf8' });
    const first = run();
    expect(first.status, first.stderr).toBe(0);
    const second = run();
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/drillbit\/stock:v1\s+sha256:[0-9a-f]{12}\s+up to date\s+fixtures\/stock\/v1/);
    expect(second.stdout).toContain('1 image: 0 tagged, 1 up to date');
    expect(first.stdout.split(/\s+/)[1]).toBe(second.stdout.split(/\s+/)[1]);
  }, 120_000);

  it('`drillbit run` with a broken compose file exits 2 with the compose tool\'s message, never a stack trace', async () => {
    const dir = join(composeDir, 'cli');
    await composeFile('cli', 'version: "2.4"\nservices:\n  shop:\n    image: drillbit/shop:v1\n    enviroment: {}\n');
    await writeFile(join(dir, 'broken.drill.yaml'), [
      'name: broken compose',
      'environment: { compose: ./docker-compose.yml }',
      `services: { shop: { releases: { good: ${JSON.stringify(resolve(PROJECT_ROOT, 'fixtures/shop/v1'))} } } }`,
      'slo: { recoveryTime: 5s }',
      'steps: [ { kind: deploy, service: shop, release: good } ]',
      '',
    ].join('\n'));
    const result = spawnSync(process.execPath, ['bin/drillbit.mjs', 'run', join(dir, 'broken.drill.yaml'), '--driver', 'docker', '--output', join(dir, 'out')], { cwd: PROJECT_ROOT, env: { ...process.env, CI: 'true', DRILLBIT_HOME: join(dir, 'state') }, encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/broken\.drill\.yaml: environment\.compose: .*docker-compose\.yml: .*Unsupported config option for services\.shop: 'enviroment'/s);
    expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
  }, 120_000);

  it('a SIGKILLed compose run leaves the testcontainers-started dependency with the run label; `drillbit clean` removes it with the rest', async () => {
    const dir = join(composeDir, 'killed');
    await mkdir(dir, { recursive: true });
    const env = { ...process.env, CI: 'true', DRILLBIT_HOME: join(dir, 'state') };
    const child = spawn(process.execPath, ['bin/drillbit.mjs', 'run', 'scenarios/compose-stack-rollback.drill.ts', '--driver', 'docker', '--output', dir], { cwd: PROJECT_ROOT, env, stdio: 'ignore' });
    const exited = new Promise((done) => child.on('exit', done));
    const events = () => (existsSync(join(dir, 'journal.ndjson')) ? readFileSync(join(dir, 'journal.ndjson'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) : []);
    const runId = await waitFor(() => events().find((e) => e.type === 'run-begin')?.runId as string | undefined, 60_000);
    await waitFor(() => events().find((e) => e.type === 'deploy' && e.release === 'good'), 60_000);
    child.kill('SIGKILL');
    await exited;
    const dependency = await bed.engine.docker.listContainers({ all: true, filters: { label: [`${LABELS.run}=${runId}`, `${LABELS.service}=stock`, 'org.testcontainers=true'] } });
    expect(dependency).toHaveLength(1);
    const clean = spawnSync(process.execPath, ['bin/drillbit.mjs', 'clean'], { cwd: PROJECT_ROOT, env, encoding: 'utf8' });
    expect(clean.status, clean.stderr).toBe(0);
    expect(clean.stdout).toContain(`run ${runId}:`);
    expect(await listLabelled(bed.engine, LABELS.run, runId)).toEqual([]);
  }, 120_000);

  it('runs the example compose scenario end to end: it passes and leaves nothing with its run label', async () => {
    const results = await runDrillFiles(['scenarios/compose-stack-rollback.drill.ts'], { driver: new DockerDriver() });
    const [scenario] = results.scenarios;
    expect(scenario?.status, scenario?.reasons.join('; ')).toBe('passed');
    expect(scenario?.lkg.shop?.match).toBe(true);
    expect(scenario?.data.lost).toBe(0);
    expect(scenario?.timeline.find((e) => e.type === 'env-up')?.message).toContain('stock');
    expect(await listLabelled(bed.engine, LABELS.run, results.runId)).toEqual([]);
  }, 180_000);
});
