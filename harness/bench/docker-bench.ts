import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { buildBundleImages } from '../drivers/docker/bundle-images.ts';
import { DockerDriver } from '../drivers/docker/docker-driver.ts';
import { DOCKER_TIMINGS, measureDockerTimings } from '../drivers/docker/docker-timings-bench.ts';
import type { BenchMetric, BenchSection, SectionOutcome } from './bench-section.ts';
import { benchComposeUp } from './compose-up-bench.ts';
import { median, round, spreadMetrics } from './stats.ts';

/**
 * The docker driver against a real engine: environment up for the sample system
 * (docker-compose.yml), Drillbit vs `docker-compose up -d` (target: ratio ≤ 1.0); container
 * create+start → first healthy answer; rollback to the LKG image → first LKG-served request.
 * With no engine (or no docker-compose) the section says so instead of failing.
 */
export const dockerBench: BenchSection = {
  name: 'docker',
  title: 'Docker driver: environment up vs docker-compose, container start, rollback to the LKG image',
  async run(ctx) {
    const driver = DockerDriver.fromEnvironment(process.env);
    if (!(await driver.engine.available())) {
      return { metrics: [], notes: [`no Docker engine at ${driver.engine.endpoint.url}: nothing measured (start one: dockerd &)`], details: null } satisfies SectionOutcome;
    }
    const rounds = ctx.quick ? 2 : 5;
    const notes: string[] = [];
    const metrics: BenchMetric[] = [];
    const details: Record<string, unknown> = { rounds };

    if (await hasCompose()) {
      ctx.progress('images of the sample system (drillbit images build fixtures/shop/v1 fixtures/stock/v1)');
      const storeDir = join(ctx.root, '.drillbit', 'store');
      await buildBundleImages(driver, ['fixtures/shop/v1', 'fixtures/stock/v1'].map((p) => join(ctx.root, p)), { repository: 'drillbit', storeDir, cwd: ctx.root });
      ctx.progress(`${rounds} rounds: Drillbit up + deploy vs docker-compose up -d of docker-compose.yml, to shop's first healthy answer`);
      const up = await benchComposeUp(driver, { root: ctx.root, composeFile: join(ctx.root, 'docker-compose.yml'), rounds, signal: ctx.signal, progress: ctx.progress });
      const [drillbit, compose] = [median(up.drillbitMs), median(up.composeMs)];
      metrics.push(
        { key: 'composeUp.ratio', label: 'environment up: Drillbit / docker-compose (medians)', value: drillbit !== null && compose ? round(drillbit / compose, 2) : null, unit: 'ratio', stat: 'same run', target: { atMost: 1 } },
        ...spreadMetrics(up.drillbitMs, { key: 'composeUp.drillbit', label: 'Drillbit: up (stock ready by its healthcheck) + deploy shop → healthy', unit: 'ms', show: ['median', 'max'] }),
        ...spreadMetrics(up.composeMs, { key: 'composeUp.compose', label: 'docker-compose up -d → shop healthy', unit: 'ms', show: ['median', 'max'] }),
        ...spreadMetrics(up.resolveMs, { key: 'composeUp.resolve', label: 'Drillbit preflight: docker-compose config + image pinning (not in the ratio)', unit: 'ms', show: ['median'] }),
      );
      notes.push('environment up: both wait for stock\'s compose healthcheck (interval 500 ms) before the shop starts, and end at the shop\'s first 200 on /healthz; the order alternates each round');
      notes.push('Drillbit also creates its front proxies and the fault proxy for shop->stock, which docker-compose does not have');
      details.composeUp = { drillbitMs: up.drillbitMs.map((v) => round(v)), composeMs: up.composeMs.map((v) => round(v)), resolveMs: up.resolveMs.map((v) => round(v)) };
    } else {
      notes.push('docker-compose is not installed: environment up vs docker-compose not measured');
    }

    ctx.progress(`${rounds} rounds: shop v1 deploy, v2, rollback to warm v1, rollback to a cold v1`);
    const timings = await measureDockerTimings(rounds, ctx.signal);
    metrics.push(
      ...spreadMetrics(timings[DOCKER_TIMINGS.createToHealthy]!, { key: 'createToHealthy', label: 'container create+start → first healthy answer (1 replica)', unit: 'ms', show: ['median', 'max'] }),
      ...spreadMetrics(timings[DOCKER_TIMINGS.rollbackWarm]!, { key: 'rollbackWarm', label: 'rollback to the warm LKG image → first LKG-served request', unit: 'ms', show: ['median', 'max'] }),
      ...spreadMetrics(timings[DOCKER_TIMINGS.rollbackCold]!, { key: 'rollbackCold', label: 'rollback to an LKG image not warm (new containers) → first LKG-served request', unit: 'ms', show: ['median', 'max'] }),
    );
    details.timings = Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, v.map((x) => round(x))]));
    return { metrics, notes, details } satisfies SectionOutcome;
  },
};

function hasCompose(): Promise<boolean> {
  return new Promise((resolve) => execFile('docker-compose', ['version', '--short'], { timeout: 30_000 }, (error) => resolve(!error)));
}
