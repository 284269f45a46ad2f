import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { drillbitInProcess } from './cli-in-process.ts';
import { projectRoot } from './drill-harness.ts';

/**
 * drillbit.config.* sets the defaults of `drillbit run` (issue 15 §7), as playwright.config.ts
 * those of `playwright test`; a flag overrides each.
 */
const scenarios = ['bad-release-rolled-back.drill.ts', 'planned-rollback-v2-to-v1.drill.ts'].map((f) => join(projectRoot, 'scenarios', f));

function project(config: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'drillbit-config-defaults-'));
  writeFileSync(join(dir, 'drillbit.config.json'), JSON.stringify(config));
  return dir;
}

describe('config defaults for drillbit run', () => {
  it('seed, repeat, grep and driver come from the config when no flag sets them, and a flag overrides each', async () => {
    const dir = project({ seed: 1234, repeat: 3, grep: 'planned', driver: 'local' });
    const fromConfig = await drillbitInProcess(['run', ...scenarios, '--dry-run'], { cwd: dir });
    expect(fromConfig.code, fromConfig.stderr).toBe(0);
    expect(fromConfig.stdout).toMatch(/^plan: 1 scenario × 3 on driver local, seed 1234,/m);
    expect(fromConfig.stdout).toContain('planned rollback from v2 to v1 keeps every order');
    expect(fromConfig.stdout).not.toContain('bad release is rolled back by the guard');

    const flags = await drillbitInProcess(['run', ...scenarios, '--dry-run', '--seed', '5', '--repeat', '2', '--grep', 'guard'], { cwd: dir });
    expect(flags.code, flags.stderr).toBe(0);
    expect(flags.stdout).toMatch(/^plan: 1 scenario × 2 on driver local, seed 5,/m);
    expect(flags.stdout).toContain('bad release is rolled back by the guard');
  });

  it('reporters and output ({runId} replaced, relative to the config file) are the config\'s; results.json is always among them', async () => {
    const dir = project({ reporters: ['list', 'junit'], output: 'drill-output/{runId}', seed: 77, grep: 'planned' });
    const run = await drillbitInProcess(['run', ...scenarios], { cwd: dir });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const printed = run.stdout.match(/^outputs: (\S+)$/m)?.[1];
    expect(printed, run.stdout).toMatch(/^drill-output\/\d{8}-\d{6}-[0-9a-f]{6}\/results\.json$/);
    const results = join(dir, printed!);
    const out = results.replace(/\/results\.json$/, '');
    expect(existsSync(join(out, 'junit.xml'))).toBe(true);
    expect(existsSync(join(out, 'report.html'))).toBe(false);
    expect((JSON.parse(readFileSync(results, 'utf8')) as { seed: number }).seed).toBe(77);
  });

  it('a config naming a driver or reporter that does not exist, or a bad value: exit 2 naming the file and field, with a hint', async () => {
    for (const [config, message, hint] of [
      [{ driver: 'kubernetes' }, 'drillbit.config.json: driver: unknown driver "kubernetes"', 'choose from local, docker, swarm'],
      [{ reporters: ['list', 'lisst'] }, 'drillbit.config.json: reporters: unknown reporter "lisst"', 'choose from list, json, junit, prom, html'],
      [{ repeat: 0 }, 'drillbit.config.json: repeat:', 'drillbit run'],
      [{ grep: '(' }, 'drillbit.config.json: grep: expected a regular expression', 'drillbit run'],
    ] as const) {
      const dir = project(config);
      const result = await drillbitInProcess(['run', ...scenarios, '--dry-run'], { cwd: dir });
      expect(result.code, JSON.stringify(config)).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr).toContain(hint);
      expect(result.stderr).not.toMatch(/^\s+at /m);
    }
    const overridden = await drillbitInProcess(['run', ...scenarios, '--dry-run', '--driver', 'local'], { cwd: project({ driver: 'kubernetes' }) });
    expect(overridden.code, 'a flag overrides a bad config value').toBe(0);
  });
});
