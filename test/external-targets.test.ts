import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostInterfaces } from '../harness/drivers/docker/network-gateway.ts';
import { projectRoot } from './drill-harness.ts';
import { startExternalStock, type ExternalStock } from './external-stock.ts';
import { describeNeeding } from './requirement.ts';

/**
 * Blast radius of external dependencies (issue 8 §3): a scenario's `external` dependency on
 * a host other than loopback is refused (exit 2, nothing started) unless `--allow-target`
 * names that host; allowed, the drill's calls and faults reach it through the run's fault
 * proxy, and the dependency, which Drillbit did not start, is left running.
 */

const dir = mkdtempSync(join(tmpdir(), 'drillbit-external-'));
const home = join(dir, 'home');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function drillbit(...args: string[]) {
  const r = spawnSync(process.execPath, [join(projectRoot, 'bin/drillbit.mjs'), ...args], { cwd: projectRoot, env: { ...process.env, CI: 'true', DRILLBIT_HOME: home }, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A drill of shop against an external stock: steady, a 1 s partition of the link to it, restored. */
function scenarioWithExternal(name: string, address: string): string {
  const file = join(dir, `${name}.drill.yaml`);
  writeFileSync(file, `name: ${name}
external:
  stock: "${address}"
services:
  shop: { releases: { v1: ${join(projectRoot, 'fixtures/shop/v1-with-stock')} }, dependsOn: [stock] }
traffic: { target: shop, rate: 50, reads: [/products/p1], writes: /orders, writeShare: 0.3 }
slo: { recoveryTime: 5s, availability: 0.5, dataLoss: 0 }
steps:
  - { kind: deploy, service: shop, release: v1 }
  - { kind: steady, for: 1s }
  - { kind: fault, fault: partition, target: { from: shop, to: stock }, params: { mode: refuse }, for: 1s, wait: true }
  - { kind: verifyRestored, for: 1s }
`);
  return file;
}

/** Runs the run dir would hold: none means nothing was started. */
function runsStarted(): number {
  return existsSync(join(home, 'runs')) ? readdirSync(join(home, 'runs')).length : 0;
}

/** Calls the external stock has served on its business routes, from its own /metrics. */
async function stockCalls(stock: ExternalStock): Promise<number> {
  // A connection of its own: a pooled one may have been closed by the server's keep-alive timeout while spawnSync blocked this process.
  const text = await (await fetch(`http://${stock.address}/metrics`, { dispatcher: new Agent({ pipelining: 0 }) } as RequestInit)).text();
  return [...text.matchAll(/^stock_http_requests_total\{[^}]*route="\/(?:stock\/:sku|reservations)"[^}]*\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
}

/** An address of this machine that is not loopback (eth0, docker0: `ip` lists a bridge without carrier, which Node leaves out), if it has one. */
const hostAddress = Object.values(await hostInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal && !a.address.startsWith('127.'))?.address;
const noHostAddress = hostAddress === undefined
  ? { requirement: 'OFF_LOOPBACK', reason: 'this machine has no IPv4 address but loopback', hint: 'give it one, e.g. a dummy interface: ip link add drillbit0 type dummy && ip addr add 198.18.0.1/32 dev drillbit0 && ip link set drillbit0 up' } as const
  : undefined;

describeNeeding(`an external dependency off loopback (this machine's ${hostAddress ?? 'none'})`, noHostAddress, () => {
  let stock: ExternalStock;
  let file: string;
  beforeAll(async () => {
    stock = await startExternalStock(hostAddress!);
    file = scenarioWithExternal('external-off-loopback', stock.address);
  });
  afterAll(() => stock?.stop());

  it('is refused without --allow-target, and with one that names another host or port: exit 2 naming the file and field, with the flag to pass; nothing starts', () => {
    const runs = runsStarted();
    const port = stock.address.split(':').at(-1);
    for (const flags of [[], ['--dry-run'], ['--allow-target', '192.0.2.254'], ['--allow-target', `${hostAddress}:${Number(port) + 1}`]]) {
      const run = drillbit('run', file, '--output', join(dir, 'refused'), ...flags);
      expect(run.code, `${flags.join(' ')}: ${run.stderr}`).toBe(2);
      expect(run.stderr).toContain(`external-off-loopback.drill.yaml: external.stock: ${stock.address} is not on this machine's loopback, and --allow-target does not name it`);
      expect(run.stderr).toContain(`--allow-target ${hostAddress}`);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
    expect(runsStarted(), 'no run started').toBe(runs);
    expect(existsSync(join(dir, 'refused', 'results.json'))).toBe(false);
  });

  it('with --allow-target HOST the drill calls it and faults the link to it, records why it could, and leaves it running', async () => {
    const before = await stockCalls(stock);
    const dry = drillbit('run', file, '--dry-run', '--allow-target', hostAddress!);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`external stock: ${stock.address}, through a fault proxy; not deployed, observed or rolled back (allowed by --allow-target)`);

    const run = drillbit('run', file, '--output', join(dir, 'allowed'), '--allow-target', hostAddress!);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const result = JSON.parse(readFileSync(join(dir, 'allowed', 'results.json'), 'utf8')).scenarios[0];
    expect(result.external).toEqual([{ name: 'stock', address: stock.address, allowedBy: '--allow-target' }]);
    expect(Object.keys(result.lkg), 'the external dependency has no LKG').toEqual(['shop']);
    expect(result.faults.map((f: { fault: string; target: unknown }) => [f.fault, f.target])).toEqual([['partition', 'shop->stock']]);
    expect(result.data.acked).toBeGreaterThan(0);
    expect(result.data.lost).toBe(0);
    expect(await stockCalls(stock) - before, 'the drill’s calls reached the external stock').toBeGreaterThan(10);
    expect(await stock.answers(), 'the external stock was left running').toBe(true);
  }, 120_000);
});

describe('an external dependency on loopback', () => {
  it('needs no flag; one that does not accept connections stops the run before anything starts (exit 3, naming the file and field)', async () => {
    const stock = await startExternalStock();
    const address = stock.address;
    const file = scenarioWithExternal('external-gone', address);
    const runs = runsStarted();
    await stock.stop();
    const run = drillbit('run', file, '--output', join(dir, 'gone'));
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toContain(`external-gone.drill.yaml: external.stock: ${address} cannot be reached: connection refused (ECONNREFUSED)`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(runsStarted()).toBe(runs);
  }, 60_000);
});
