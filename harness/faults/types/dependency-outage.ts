import { z } from 'zod';
import { DrillbitError, errorMessage } from '../../errors.ts';
import type { FaultType } from '../fault-type.ts';
import { revertOnce, withDeadline } from './bounded-revert.ts';
import { REPLACE_DEADLINE_MS, serviceTarget } from './target-access.ts';

const params = z.strictObject({});

export type DependencyOutageParams = z.output<typeof params>;

/** A service (typically a dependency of another) stops entirely; its address answers 503 until the revert starts it again. */
export const dependencyOutageFault: FaultType<DependencyOutageParams> = {
  name: 'dependency-outage',
  description: 'stop every replica of a service for the duration (its address answers 503); the revert starts the release it was serving again',
  targets: 'service',
  params,
  needsDuration: true,
  plan(target, _params, ctx) {
    const { service } = serviceTarget(target, ctx, 'dependency-outage');
    // Its replicas are the run's own: they die with it, and `drillbit clean` reaps them by pid file.
    return [{ kind: 'in-process', description: `${service} is started again by the run` }];
  },
  async inject(target, _params, ctx) {
    const { service, surface } = serviceTarget(target, ctx, 'dependency-outage');
    const revert = revertOnce(async () => {
      try {
        await withDeadline(surface.startService(service), REPLACE_DEADLINE_MS, `fault dependency-outage on ${service}: starting it again`);
      } catch (error) {
        if (error instanceof DrillbitError && error.code === 'aborted') return ctx.log.debug(`fault dependency-outage: ${service} not started again, the run is aborted: ${errorMessage(error)}`);
        throw error;
      }
    });
    const before = surface.replicas(service).filter((r) => r.alive).length;
    try {
      await surface.stopService(service);
    } catch (error) {
      await revert().catch(() => undefined);
      throw error;
    }
    return { revert, detail: `${service} stopped (${before} replica${before === 1 ? '' : 's'})` };
  },
};
