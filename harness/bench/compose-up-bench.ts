import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DriverContext } from '../drivers/driver.ts';
import type { DockerDriver } from '../drivers/docker/docker-driver.ts';
import { removeReadOnlyTree } from '../release/release-store.ts';
import { silentLogger } from '../runner/logger.ts';
import { TeardownStack } from '../runner/teardown-stack.ts';
import { Timeline } from '../runner/timeline.ts';

const HEALTH_DEADLINE_MS = 60_000;

export interface ComposeUpRounds {
  /** Drillbit: `up()` of the compose environment (stock started and ready) + deploy of shop, to the first 200 on shop's /healthz. */
  drillbitMs: number[];
  /** `docker-compose up -d` of the same file, to the first 200 on shop's published /healthz. */
  composeMs: number[];
  /** Drillbit's preflight, not in the ratio: `docker-compose config` + pinning the images (once per run). */
  resolveMs: number[];
}

/**
 * Environment up for the sample system, Drillbit against `docker-compose up -d` of the same
 * compose file, alternating which goes first each round so a drift of the shared machine
 * hits both. Both end at the first healthy answer of the shop (compose's `service_healthy`
 * condition and Drillbit's healthcheck wait both hold the shop back until stock is healthy).
 */
export async function benchComposeUp(driver: DockerDriver, options: { root: string; composeFile: string; rounds: number; signal: AbortSignal; progress: (m: string) => void }): Promise<ComposeUpRounds> {
  const work = await mkdtemp(join(tmpdir(), 'drillbit-compose-bench-'));
  const storeDir = join(work, 'store');
  const rounds: ComposeUpRounds = { drillbitMs: [], composeMs: [], resolveMs: [] };
  try {
    const shop = await driver.resolveRelease('shop', 'v1', join(options.root, 'fixtures/shop/v1'), options.root, { storeDir });
    const base = { services: { shop: { replicas: 1, strategy: 'blue-green' as const, dependsOn: [] } } };
    for (let round = 0; round < options.rounds && !options.signal.aborted; round++) {
      let t = performance.now();
      const resolved = await driver.resolveEnvironment(base, { compose: options.composeFile }, new Map([['shop', new Map([['v1', shop]])]]));
      rounds.resolveMs.push(performance.now() - t);
      const drillbit = async () => {
        const ctx: DriverContext = { runId: `bench-compose-${process.pid}-${round}`, workDir: join(work, `run-${round}`), timeline: new Timeline(), teardown: new TeardownStack(), log: silentLogger, signal: options.signal };
        try {
          t = performance.now();
          const env = await driver.up(resolved.spec, ctx);
          await env.deploy('shop', resolved.releases.get('shop')!.get('v1')!);
          await firstHealthy(new URL('/healthz', env.address('shop')));
          rounds.drillbitMs.push(performance.now() - t);
        } finally {
          await ctx.teardown.runAll();
        }
      };
      const compose = async () => rounds.composeMs.push(await composeUp(driver, options.composeFile, `drillbitbench${process.pid}r${round}`));
      for (const run of round % 2 === 0 ? [drillbit, compose] : [compose, drillbit]) await run();
      options.progress(`round ${round + 1}: drillbit ${rounds.drillbitMs.at(-1)?.toFixed(0)} ms, docker-compose ${rounds.composeMs.at(-1)?.toFixed(0)} ms`);
    }
  } finally {
    await removeReadOnlyTree(storeDir);
    await rm(work, { recursive: true, force: true });
  }
  return rounds;
}

/** `docker-compose -p <project> up -d`, then polls the shop's published port: ms from the spawn to its first 200. Brought down after. */
async function composeUp(driver: DockerDriver, file: string, project: string): Promise<number> {
  const compose = (...args: string[]) => run('docker-compose', ['-f', file, '-p', project, ...args]);
  try {
    const t = performance.now();
    await compose('up', '-d');
    const [shop] = await driver.engine.docker.listContainers({ filters: { label: [`com.docker.compose.project=${project}`, 'com.docker.compose.service=shop'] } });
    const port = shop?.Ports.find((p) => p.PrivatePort === 8080 && p.PublicPort)?.PublicPort;
    if (!port) throw new Error(`docker-compose started no shop with a published 8080 in project ${project}`);
    await firstHealthy(new URL(`http://127.0.0.1:${port}/healthz`));
    return performance.now() - t;
  } finally {
    await compose('down', '-v', '-t', '1').catch(() => undefined);
  }
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 120_000 }, (error, _stdout, stderr) => (error ? reject(new Error(`${command} ${args.join(' ')}: ${stderr.trim() || error.message}`)) : resolve()));
  });
}

/** Polls (fresh connection each time, 20 ms apart) until GET answers 200. */
async function firstHealthy(url: URL): Promise<void> {
  const deadline = performance.now() + HEALTH_DEADLINE_MS;
  while (performance.now() < deadline) {
    const status = await new Promise<number | undefined>((done) => {
      const req = httpRequest(url, { agent: false, timeout: 1000 }, (res) => {
        res.resume();
        done(res.statusCode);
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => done(undefined));
      req.end();
    });
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${url.href} did not answer 200 within ${HEALTH_DEADLINE_MS / 1000} s`);
}
