import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from './drill-harness.ts';
import { processesOfRun, waitFor } from './process-scan.ts';

function journal(path: string): Record<string, unknown>[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).flatMap((l) => {
    try {
      return [JSON.parse(l) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

describe('a SIGKILLed run', () => {
  it('leaves processes that `drillbit clean` reaps, and a second clean finds nothing', async () => {
    const output = mkdtempSync(join(tmpdir(), 'drillbit-kill-'));
    const env = { ...process.env, CI: 'true', DRILLBIT_HOME: join(output, 'state') };
    const child = spawn(process.execPath, ['bin/drillbit.mjs', 'run', 'scenarios/planned-rollback-v2-to-v1.drill.ts', '--output', output], { cwd: projectRoot, env, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const journalPath = join(output, 'journal.ndjson');
    const runId = await waitFor(() => journal(journalPath).find((e) => e.type === 'run-begin')?.runId as string | undefined, 20_000);
    await waitFor(() => journal(journalPath).find((e) => e.type === 'deploy' && e.release === 'v2'), 20_000);
    child.kill('SIGKILL');
    await exited;
    const left = processesOfRun(runId);
    expect(left.length).toBeGreaterThanOrEqual(4); // v1 warm + v2 serving, 2 replicas each

    const clean = spawnSync(process.execPath, ['bin/drillbit.mjs', 'clean'], { cwd: projectRoot, env, encoding: 'utf8' });
    expect(clean.status, clean.stderr).toBe(0);
    expect(clean.stdout).toMatch(new RegExp(`run ${runId}: killed ${left.length} processes`));
    expect(processesOfRun(runId)).toEqual([]);
    const again = spawnSync(process.execPath, ['bin/drillbit.mjs', 'clean'], { cwd: projectRoot, env, encoding: 'utf8' });
    expect(again.stdout).toContain('clean: 0 dead runs reaped');
  });
});
