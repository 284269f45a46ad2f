import { appendFileSync, chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { drillbitInProcess } from './cli-in-process.ts';
import { projectRoot } from './drill-harness.ts';
import { sleep } from '../harness/util/sleep.ts';

/** `drillbit drift` looks at a live run from outside it and compares it with the ledger. */
describe('drillbit drift on a live local run', () => {
  it('says ok, then names a replica taken away and a file edited in place', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drillbit-cli-drift-'));
    const stateDir = join(dir, 'state');
    const ledger = join(dir, 'ledger.ndjson');
    const file = join(dir, 'live.drill.yaml');
    writeFileSync(file, `name: live drift\nservices:\n  shop:\n    releases: { v1: ${join(projectRoot, 'fixtures/shop/v1')} }\n    replicas: 2\nslo: { recoveryTime: 1s }\nsteps:\n  - { kind: deploy, service: shop, release: v1 }\n  - { kind: wait, for: 6s }\n`);
    const run = drillbitInProcess(['run', file, '--ledger', ledger, '--output', join(dir, 'out')], { stateDir });
    const pids = await waitForPidFiles(stateDir, 2);

    const clean = await drillbitInProcess(['drift', '--ledger', ledger], { stateDir });
    expect(clean.stdout).toMatch(/^ok {4}"live drift" attempt 1 \(local, run .*\)\n$/);
    expect(clean.code).toBe(0);

    const record = JSON.parse(readFileSync(pids[0]!, 'utf8')) as { pid: number; cwd: string };
    const server = join(record.cwd, 'server.mjs');
    const mode = statSync(server).mode & 0o777;
    const original = readFileSync(server);
    chmodSync(server, mode | 0o200);
    appendFileSync(server, '\n');
    try {
      process.kill(-record.pid, 'SIGKILL');
      await sleep(300);
      const drifted = await drillbitInProcess(['drift', '--ledger', ledger], { stateDir });
      expect(drifted.code).toBe(1);
      expect(drifted.stdout).toContain('DRIFT "live drift" attempt 1');
      expect(drifted.stdout).toContain('  shop: replicas: desired 2, observed 1\n');
      expect(drifted.stdout).toMatch(/ {2}shop\/shop-g1-\d: content: desired the files of sha256:\w+, observed its files no longer hash to its digest\n/);
    } finally {
      writeFileSync(server, original);
      chmodSync(server, mode);
    }
    await run;
    const after = await drillbitInProcess(['drift', '--ledger', ledger], { stateDir });
    expect(after.code).toBe(2);
    expect(after.stderr).toContain('nothing of it is running');
  });
});

async function waitForPidFiles(stateDir: string, count: number): Promise<string[]> {
  for (let i = 0; i < 200; i++) {
    const runs = join(stateDir, 'runs');
    const files = existsSync(runs)
      ? readdirSync(runs).flatMap((run) => readdirSync(join(runs, run), { withFileTypes: true }).filter((d) => d.isDirectory()).flatMap((d) => {
          const pids = join(runs, run, d.name, 'pids');
          return existsSync(pids) ? readdirSync(pids).filter((f) => f.endsWith('.pid')).map((f) => join(pids, f)) : [];
        }))
      : [];
    if (files.length >= count) {
      await sleep(500); // the deploy entry is written once the rollout is done
      return files;
    }
    await sleep(50);
  }
  throw new Error('the run never started its replicas');
}
