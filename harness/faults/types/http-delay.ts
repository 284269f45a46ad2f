import { z } from 'zod';
import type { FaultType } from '../fault-type.ts';
import { revertOnce } from './bounded-revert.ts';
import { serviceTarget } from './target-access.ts';

const params = z.strictObject({
  /** Share of requests delayed, 0..1 (drawn per request from the seed). Default 1. */
  share: z.number().min(0).max(1).default(1),
  /** How long each of those requests is held before it is forwarded, in ms. Default 500. */
  delayMs: z.number().int().min(1).max(60_000).default(500),
});

export type HttpDelayParams = z.output<typeof params>;

/** A share of the requests to a service's address wait before they reach a replica, as Envoy's delay fault does. */
export const httpDelayFault: FaultType<HttpDelayParams> = {
  name: 'http-delay',
  description: "hold a share of the requests to the service's address for delayMs before forwarding them; the revert removes the rule",
  targets: 'service',
  params,
  needsDuration: true,
  plan(target, _params, ctx) {
    return [{ kind: 'in-process', description: `HTTP delay rule ${ctx.injectionId} on ${serviceTarget(target, ctx, 'http-delay').service}'s front proxy` }];
  },
  async inject(target, { share, delayMs }, ctx) {
    const { service, surface } = serviceTarget(target, ctx, 'http-delay');
    const remove = surface.addHttpFault(service, { id: ctx.injectionId, share, delayMs, random: () => ctx.random.next() });
    return { revert: revertOnce(async () => remove()), detail: `${Math.round(share * 1000) / 10}% of requests to ${service} delayed ${delayMs}ms` };
  },
};
