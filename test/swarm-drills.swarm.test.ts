import { expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot, runDrillFiles } from './drill-harness.ts';
import { drillbitInProcess } from './cli-in-process.ts';
import { describeWithSwarm } from '../harness/drivers/swarm/describe-with-swarm.ts';
import { SwarmDriver } from '../harness/drivers/swarm/swarm-driver.ts';
import type { ScenarioResult } from '../harness/verdict/results.ts';

function check(result: ScenarioResult, name: string) {
  const found = result.checks.find((c) => c.name === name);
  if (!found) throw new Error(`no check ${name} in ${result.checks.map((c) => c.name).join(', ')}`);
  return found;
}

/** The orchestrator-driven rollback on a real swarm, and its negative twin (failure action pause). */
await describeWithSwarm('swarm: the orchestrator rolls back by itself', () => {
  it('failureAction rollback: Swarm rolls the candidate back; every task on the LKG; detection and restore measured from the orchestrator', { timeout: 120_000 }, async () => {
    const [result] = (await runDrillFiles(['scenarios/swarm-orchestrator-rollback.drill.ts'], { driver: SwarmDriver.fromEnvironment(process.env) })).scenarios;
    expect(result!.status, result!.reasons.join('; ')).toBe('passed');
    expect(check(result!, 'LKG state at end of drill').status).toBe('passed');
    expect(result!.lkg.shop).toMatchObject({ match: true });
    expect(result!.recovery.detection).toBe('orchestrator-rollback');
    const events = result!.timeline;
    const states = events.filter((e) => e.type === 'orchestrator-update').map((e) => e.state);
    expect(states).toEqual(expect.arrayContaining(['updating', 'rollback_started', 'rollback_completed']));
    const failedTask = events.find((e) => e.type === 'task-failed');
    expect(failedTask, 'a candidate task failed its health check').toBeDefined();
    expect(result!.recovery.firstBadMs).toBe(Math.round(failedTask!.tMs));
    expect(result!.recovery.ttdMs).toBeGreaterThan(0);
    const completed = events.find((e) => e.type === 'orchestrator-update' && e.state === 'rollback_completed')!;
    expect(result!.recovery.restoredMs, 'restored no earlier than Swarm finished its rollback').toBeGreaterThanOrEqual(Math.round(completed.tMs));
    expect(result!.data.lost).toBe(0);
  });

  it('failureAction pause (negative twin): Swarm leaves the update half-done, and LKG equality fails it, naming the candidate', { timeout: 120_000 }, async () => {
    const [result] = (await runDrillFiles(['test/drills/swarm-pause-leaves-candidate.drill.ts'], { driver: SwarmDriver.fromEnvironment(process.env) })).scenarios;
    expect(result!.status).toBe('failed');
    const lkg = check(result!, 'LKG state at end of drill');
    expect(lkg.status).toBe('failed');
    expect(lkg.message).toMatch(/serving replicas run unhealthy \(2\.0\.1-unhealthy, sha256:\w+\).*not the LKG good \(1\.0\.0, sha256:\w+\)/);
    expect(result!.lkg.shop!.match).toBe(false);
    expect(result!.timeline.some((e) => e.type === 'orchestrator-update' && e.state === 'paused')).toBe(true);
    expect(result!.reasons.join('\n')).toContain('not the LKG');
  });
});

/** Bad input found before anything starts: two scenario services that would share one swarm service name. */
await describeWithSwarm('swarm: a service name clash', () => {
  it('exits 2 naming the file and both services, and starts nothing', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drillbit-clash-'));
    const lookalike = `a-b-${createHash('sha256').update('a.b').digest('hex').slice(0, 6)}`;
    // A bundle of each service: the shop's v1, relabelled.
    for (const service of ['a.b', lookalike]) {
      cpSync(join(projectRoot, 'fixtures/shop/v1'), join(dir, service), { recursive: true });
      const manifest = JSON.parse(readFileSync(join(dir, service, 'release.json'), 'utf8'));
      writeFileSync(join(dir, service, 'release.json'), JSON.stringify({ ...manifest, service }));
    }
    const file = join(dir, 'clash.drill.yaml');
    writeFileSync(file, [
      'name: clash', 'services:',
      `  a.b: { releases: { v1: ./a.b } }`,
      `  ${lookalike}: { releases: { v1: ./${lookalike} } }`,
      'slo: { recoveryTime: 5s }', 'steps:', '  - { kind: deploy, service: a.b, release: v1 }', '',
    ].join('\n'));
    const before = spawnSync('docker', ['service', 'ls', '-q'], { encoding: 'utf8' }).stdout;
    const run = await drillbitInProcess(['run', file, '--driver', 'swarm', '--output', join(dir, 'out')]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(`clash.drill.yaml: services: services "a.b" and "${lookalike}" map to one swarm service name`);
    expect(run.stderr).toContain('rename one of them');
    expect(spawnSync('docker', ['service', 'ls', '-q'], { encoding: 'utf8' }).stdout).toBe(before);
  });
});

/** On another driver the swarm-only scenario is skipped with a line saying so. */
it('the orchestrator-rollback scenario is skipped on the local driver, with the reason', async () => {
  const results = await runDrillFiles(['scenarios/swarm-orchestrator-rollback.drill.ts', 'scenarios/planned-rollback-v2-to-v1.drill.ts']);
  expect(results.skipped).toEqual([expect.objectContaining({ name: 'swarm rolls a failing update back by itself', reason: expect.stringMatching(/services\.shop\.update\) needs --driver swarm/) })]);
  expect(results.scenarios.map((s) => s.name)).not.toContain('swarm rolls a failing update back by itself');
});
