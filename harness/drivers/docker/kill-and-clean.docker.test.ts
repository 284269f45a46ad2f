import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeWithDocker } from './describe-with-docker.ts';
import { DockerEngine } from './docker-engine.ts';
import { LABELS } from './docker-names.ts';
import { listLabelled } from './labelled-resources.ts';
import { PROJECT_ROOT } from './test-support.ts';

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

await describeWithDocker('a SIGKILLed run on the docker driver', () => {
  it('leaves labelled containers, a network and a volume that `drillbit clean` removes; a second clean finds nothing', async () => {
    const output = await mkdtemp(join(tmpdir(), 'drillbit-docker-kill-'));
    const engine = DockerEngine.at();
    const env = { ...process.env, CI: 'true', DRILLBIT_HOME: join(output, 'state') };
    try {
      const child = spawn(process.execPath, ['bin/drillbit.mjs', 'run', 'scenarios/planned-rollback-v2-to-v1.drill.ts', '--driver', 'docker', '--output', output], { cwd: PROJECT_ROOT, env, stdio: 'ignore' });
      const exited = new Promise((resolve) => child.on('exit', resolve));
      const journalPath = join(output, 'journal.ndjson');
      const runId = await waitFor(() => journal(journalPath).find((e) => e.type === 'run-begin')?.runId as string | undefined, 30_000);
      await waitFor(() => journal(journalPath).find((e) => e.type === 'deploy' && e.release === 'v2'), 30_000);
      child.kill('SIGKILL');
      await exited;
      const left = await listLabelled(engine, LABELS.run, runId);
      expect(left.filter((l) => l.startsWith('container'))).toHaveLength(4); // v1 warm + v2 serving, 2 replicas each
      expect(left.filter((l) => l.startsWith('network'))).toHaveLength(1);
      expect(left.filter((l) => l.startsWith('volume'))).toHaveLength(1);

      const clean = spawnSync(process.execPath, ['bin/drillbit.mjs', 'clean'], { cwd: PROJECT_ROOT, env, encoding: 'utf8' });
      expect(clean.status, clean.stderr).toBe(0);
      expect(clean.stdout).toContain(`run ${runId}: killed 0 processes, replayed 0 fault undos, removed 4 containers, 1 network, 1 volume`);
      expect(await listLabelled(engine, LABELS.run, runId)).toEqual([]);
      const again = spawnSync(process.execPath, ['bin/drillbit.mjs', 'clean'], { cwd: PROJECT_ROOT, env, encoding: 'utf8' });
      expect(again.stdout).toContain('clean: 0 dead runs reaped');
    } finally {
      await rm(output, { recursive: true, force: true }).catch(() => undefined);
    }
  });
});
