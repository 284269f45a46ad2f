import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ExitCode, badInput } from '../errors.ts';
import type { CliEnvironment } from './cli-environment.ts';

const TEMPLATE = `import { defineScenario, deploy, steady, expectRollback, verifyRestored } from 'drillbit';

/** A bad release goes out; the guard must roll it back to the last-known-good within the SLO. */
export default defineScenario({
  name: 'NAME',
  services: {
    shop: { releases: { good: 'fixtures/shop/v1', bad: 'fixtures/shop/v2-errors' }, replicas: 2 },
  },
  traffic: { target: 'shop', rate: 100, reads: ['/products'], writes: '/orders' },
  slo: { recoveryTime: '15s', availability: 0.9, p95: '250ms', dataLoss: 0 },
  guard: { errorRate: { above: 0.05, for: '2s' }, then: 'rollback' },
  steps: [deploy('shop', 'good'), steady('2s'), deploy('shop', 'bad'), expectRollback({ within: '5s' }), verifyRestored({ for: '2s' })],
});
`;

/** Scaffolds a scenario file to edit. */
export async function initCommand(file: string, cli: CliEnvironment): Promise<number> {
  const path = resolve(cli.cwd, file);
  if (!/\.drill\.ts$/.test(path)) throw badInput(`${file}: scenario files are named *.drill.ts`, 'e.g. drillbit init scenarios/my-rollback.drill.ts');
  if (existsSync(path)) throw badInput(`${file} already exists`, 'choose another name; init never overwrites a file');
  await mkdir(dirname(path), { recursive: true });
  const name = file.replace(/^.*\//, '').replace(/\.drill\.ts$/, '').replace(/[-_]+/g, ' ');
  await writeFile(path, TEMPLATE.replace('NAME', name));
  cli.stdout(`wrote ${file}\nnext: drillbit validate ${file} && drillbit run ${file}\n`);
  return ExitCode.ok;
}
