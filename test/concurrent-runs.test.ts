import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from './drill-harness.ts';
import { processesOfRun } from './process-scan.ts';

/**
 * Two `drillbit run` processes at once on one machine, each with `--parallel 4`, sharing
 * one state directory (so one content-addressed store, written by both at once) and one
 * ledger: no collision on ports, names or store entries (every attempt passes, each run has
 * its own id and nothing left behind), and the ledger stays one valid chain.
 */

const dir = mkdtempSync(join(tmpdir(), 'drillbit-concurrent-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Lenient objectives: eight drills share two cores, and this test is about collisions, not latency.
const scenario = (name: string) => `name: ${name}
services:
  shop: { releases: { good: ${join(projectRoot, 'fixtures/shop/v1')}, bad: ${join(projectRoot, 'fixtures/shop/v2-errors')} }, replicas: 2 }
traffic: { target: shop, rate: 20, reads: [/products], writes: /orders, writeShare: 0.3 }
slo: { recoveryTime: 15s, availability: 0.5, dataLoss: 0 }
guard: { errorRate: { above: 0.2, for: 500ms } }
steps:
  - { kind: deploy, service: shop, release: good }
  - { kind: deploy, service: shop, release: bad, expect: healthy }
  - { kind: expectRollback, within: 10s }
  - { kind: verifyRestored, for: 500ms, within: 15s }
`;

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(projectRoot, 'bin/drillbit.mjs'), ...args], { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => done({ code, stdout, stderr }));
  });
}

describe('concurrent runs', () => {
  it('two runs at once, --parallel 4 each, one store and one ledger: every attempt passes, no collision, a valid chain', async () => {
    writeFileSync(join(dir, 'a.drill.yaml'), scenario('concurrent a'));
    writeFileSync(join(dir, 'b.drill.yaml'), scenario('concurrent b'));
    const env = { ...process.env, CI: 'true', DRILLBIT_HOME: join(dir, 'home'), DRILLBIT_LEDGER: join(dir, 'ledger.ndjson') };
    const both = await Promise.all(
      ['one', 'two'].map((name) => run(['run', join(dir, 'a.drill.yaml'), join(dir, 'b.drill.yaml'), '--repeat', '2', '--parallel', '4', '--output', join(dir, name)], env)),
    );
    const runIds = new Set<string>();
    for (const [i, result] of both.entries()) {
      expect(result.stderr).not.toMatch(/EADDRINUSE|EEXIST|already in use|collision/i);
      expect(result.code, result.stdout + result.stderr).toBe(0);
      const results = JSON.parse(readFileSync(join(dir, i === 0 ? 'one' : 'two', 'results.json'), 'utf8')) as { runId: string; scenarios: { status: string }[] };
      expect(results.scenarios.map((s) => s.status)).toEqual(['passed', 'passed', 'passed', 'passed']);
      runIds.add(results.runId);
      expect(processesOfRun(results.runId)).toEqual([]);
    }
    expect(runIds.size).toBe(2);

    const verify = await run(['ledger', 'verify'], env);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  }, 240_000);
});
