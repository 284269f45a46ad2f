import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from './drill-harness.ts';
import { processesOfRun, waitFor } from './process-scan.ts';

function journalEvents(path: string): Record<string, unknown>[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('interrupting a drill', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} mid-drill leaves no process behind and writes results marked aborted`, async () => {
      const output = mkdtempSync(join(tmpdir(), 'drillbit-int-'));
      const child = spawn(process.execPath, ['bin/drillbit.mjs', 'run', 'scenarios/bad-release-rolled-back.drill.ts', '--output', output], {
        cwd: projectRoot,
        env: { ...process.env, CI: 'true', DRILLBIT_HOME: join(output, 'state') },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const journal = join(output, 'journal.ndjson');

      const runId = await waitFor(() => journalEvents(journal).find((e) => e.type === 'run-begin')?.runId as string | undefined, 20_000);
      await waitFor(() => journalEvents(journal).find((e) => e.type === 'step-start' && e.message === 'steady state for 2s'), 20_000);
      expect(processesOfRun(runId).length).toBeGreaterThanOrEqual(2);
      child.kill(signal);
      const code = await exited;

      expect(code, stderr).toBe(130);
      expect(stderr).toContain(`${signal}: stopping the drill`);
      expect(processesOfRun(runId)).toEqual([]);
      const results = JSON.parse(readFileSync(join(output, 'results.json'), 'utf8'));
      expect(results.aborted).toBe(true);
      expect(results.scenarios[0].status).toBe('aborted');
      expect(results.scenarios[0].reasons[0]).toContain('interrupted');
      expect(journalEvents(journal).some((e) => e.type === 'abort')).toBe(true);
    });
  }
});
