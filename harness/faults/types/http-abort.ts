import { z } from 'zod';
import type { FaultType } from '../fault-type.ts';
import { revertOnce } from './bounded-revert.ts';
import { serviceTarget } from './target-access.ts';

const params = z.strictObject({
  /** Share of requests answered with `status` instead of reaching a replica, 0..1 (drawn per request from the seed). Default 1. */
  share: z.number().min(0).max(1).default(1),
  /** The HTTP status those requests get, 400..599. Default 503. */
  status: z.number().int().min(400).max(599).default(503),
});

export type HttpAbortParams = z.output<typeof params>;

/** A share of the requests to a service's address fail at once with a status, as Envoy's abort fault does. */
export const httpAbortFault: FaultType<HttpAbortParams> = {
  name: 'http-abort',
  description: "answer a share of the requests to the service's address with an HTTP status, without reaching a replica; the revert removes the rule",
  targets: 'service',
  params,
  needsDuration: true,
  plan(target, _params, ctx) {
    return [{ kind: 'in-process', description: `HTTP abort rule ${ctx.injectionId} on ${serviceTarget(target, ctx, 'http-abort').service}'s front proxy` }];
  },
  async inject(target, { share, status }, ctx) {
    const { service, surface } = serviceTarget(target, ctx, 'http-abort');
    const remove = surface.addHttpFault(service, { id: ctx.injectionId, share, abortStatus: status, random: () => ctx.random.next() });
    return { revert: revertOnce(async () => remove()), detail: `${Math.round(share * 1000) / 10}% of requests to ${service} answered ${status}` };
  },
};
