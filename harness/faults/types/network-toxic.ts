import { z } from 'zod';
import { DrillbitError } from '../../errors.ts';
import type { LinkProxy, ToxicSpec } from '../../drivers/fault-surface.ts';
import { TOXIC_TYPES } from '../../proxy/index.ts';
import type { FaultContext, FaultTarget, FaultType, Injected } from '../fault-type.ts';
import { revertOnce } from './bounded-revert.ts';

export type LinkTarget = Extract<FaultTarget, { kind: 'link' }>;

/** Direction and toxicity: the shared wrapper's part of every network fault (as in Toxiproxy). */
const wrapperShape = {
  /** Which way the toxic acts: `downstream` (responses), `upstream` (requests) or `both`. Default downstream. */
  stream: z.enum(['upstream', 'downstream', 'both']).default('downstream'),
  /** Share of connections affected, decided per connection from the run's seed. 0 has no effect. Default 1. */
  toxicity: z.number().min(0).max(1).default(1),
};

/** The run's fault proxy on the target link, or a clear refusal naming the fault. */
export function linkProxy(target: FaultTarget, ctx: FaultContext, fault: string): { link: LinkTarget; proxy: LinkProxy } {
  if (target.kind !== 'link') throw new DrillbitError('internal', `fault ${fault} acts on a link, not on a ${target.kind}`);
  const surface = ctx.env.networkFaults;
  if (!surface) throw new DrillbitError('bad-input', `fault ${fault}: this driver has no fault proxies`);
  const proxy = surface.link(target.from, target.to);
  if (!proxy) throw new DrillbitError('bad-input', `fault ${fault}: no fault proxy on ${target.from}->${target.to}`, { hint: `declare services.${target.from}.dependsOn: [${target.to}]` });
  return { link: target, proxy };
}

/**
 * A network fault that is one of the fault proxy's toxics on a link (latency, bandwidth,
 * …): its params are the toxic's attributes plus direction and toxicity.
 */
export function toxicFault(toxicType: string, description: string): FaultType<Record<string, unknown> & z.infer<z.ZodObject<typeof wrapperShape>>> {
  const toxic = TOXIC_TYPES.get(toxicType);
  if (!toxic) throw new Error(`the fault proxy has no ${toxicType} toxic`);
  const attributes = toxic.attributes as unknown as z.ZodObject<z.ZodRawShape>;
  const params = z.strictObject({ ...attributes.shape, ...wrapperShape });
  return {
    name: toxicType.replace(/_/g, '-'),
    description,
    targets: 'link',
    params: params as never,
    needsDuration: false,
    plan: () => [{ kind: 'in-process', description: `${toxicType} toxic on the run's fault proxy` }],
    async inject(target, all, ctx): Promise<Injected> {
      const { link, proxy } = linkProxy(target, ctx, toxicType);
      const { stream, toxicity, ...attrs } = all;
      const streams = stream === 'both' ? (['upstream', 'downstream'] as const) : [stream];
      const names = streams.map((s) => `${ctx.injectionId}-${s}`);
      const revert = revertOnce(async () => {
        for (const name of names) await proxy.removeToxic(name);
      });
      try {
        // A proxy in another process (the docker driver's proxy container) answers over its admin API: in place once awaited.
        for (const [i, s] of streams.entries()) await proxy.addToxic({ name: names[i]!, type: toxicType, stream: s, toxicity, attributes: attrs as ToxicSpec['attributes'] });
      } catch (error) {
        await revert().catch(() => undefined);
        throw error;
      }
      return { detail: `${toxicType} ${JSON.stringify(attrs)} on ${link.from}->${link.to} (${stream}, toxicity ${toxicity})`, revert };
    },
  };
}
