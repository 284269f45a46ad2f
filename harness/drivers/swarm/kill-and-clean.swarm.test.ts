import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { DockerEngine } from '../docker/docker-engine.ts';
import { LABELS } from '../docker/docker-names.ts';
import { listLabelled } from '../docker/labelled-resources.ts';
import { PROJECT_ROOT } from '../docker/test-support.ts';
import { describeWithSwarm } from './describe-with-swarm.ts';
import { listLabelledServices } from './labelled-services.ts';

function journal(path: string): Record<string, unknown>[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).flatMap((line) => {
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
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

await describeWithSwarm('a SIGKILLed run on the swarm driver', () => {
  it('leaves a labelled swarm service, its task containers and a volume, which `drillbit clean` removes; a second clean finds nothing', { timeout: 120_000 }, async () => {
    const output = await mkdtemp(join(tmpdir(), 'drillbit-swarm-kill-'));
    const engine = DockerEngine.at();
    const env = { ...process.env, CI: 'true', DRILLBIT_HOME: join(output, 'state') };
    try {
      const child = spawn(process.execPath, ['bin/drillbit.mjs', 'run', 'scenarios/planned-rollback-v2-to-v1.drill.ts', '--driver', 'swarm', '--output', output], { cwd: PROJECT_ROOT, env, stdio: 'ignore' });
      const exited = new Promise((resolve) => child.on('exit', resolve));
      const journalPath = join(output, 'journal.ndjson');
      const runId = await waitFor(() => journal(journalPath).find((e) => e.type === 'run-begin')?.runId as string | undefined, 30_000);
      await waitFor(() => journal(journalPath).find((e) => e.type === 'deploy' && e.release === 'v2'), 60_000);
      child.kill('SIGKILL');
      await exited;
      expect(await listLabelledServices(engine, LABELS.run, runId)).toHaveLength(1);
      const left = await listLabelled(engine, LABELS.run, runId);
      expect(left.filter((l) => l.startsWith('container')).length).toBeGreaterThanOrEqual(2); // the service's tasks
      expect(left.filter((l) => l.startsWith('volume'))).toHaveLength(1);

      const clean = spawnSync(process.execPath, ['bin/drillbit.mjs', 'clean'], { cwd: PROJECT_ROOT, env, encoding: 'utf8' });
      expect(clean.status, clean.stderr).toBe(0);
      expect(clean.stdout).toMatch(new RegExp(`run ${runId}: killed 0 processes, replayed 0 fault undos, removed \\d+ containers, 0 networks, 1 volume, 1 swarm service`));
      expect(await listLabelledServices(engine, LABELS.run, runId)).toEqual([]);
      expect(await listLabelled(engine, LABELS.run, runId)).toEqual([]);
      const again = spawnSync(process.execPath, ['bin/drillbit.mjs', 'clean'], { cwd: PROJECT_ROOT, env, encoding: 'utf8' });
      expect(again.stdout).toContain('clean: 0 dead runs reaped');
    } finally {
      await rm(output, { recursive: true, force: true }).catch(() => undefined);
    }
  });
});
