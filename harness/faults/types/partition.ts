import { z } from 'zod';
import type { FaultType } from '../fault-type.ts';
import { revertOnce } from './bounded-revert.ts';
import { linkProxy } from './network-toxic.ts';

const params = z.strictObject({
  /** `refuse`: connections are refused and open ones closed; `blackhole`: data goes nowhere and nothing closes. Default refuse. */
  mode: z.enum(['refuse', 'blackhole']).default('refuse'),
});

export type PartitionParams = z.infer<typeof params>;

/** A network partition on a link (or every inbound link of a service): the proxy refuses, or blackholes. */
export const partitionFault: FaultType<PartitionParams> = {
  name: 'partition',
  description: 'cuts a link: the fault proxy refuses connections, or blackholes their data',
  targets: 'link',
  params,
  needsDuration: true,
  plan: () => [{ kind: 'in-process', description: "partition on the run's fault proxy" }],
  async inject(target, { mode }, ctx) {
    const { link, proxy } = linkProxy(target, ctx, 'partition');
    const toxics = [`${ctx.injectionId}-up`, `${ctx.injectionId}-down`];
    if (mode === 'refuse') await proxy.setEnabled(false);
    else for (const [i, stream] of (['upstream', 'downstream'] as const).entries()) proxy.addToxic({ name: toxics[i]!, type: 'timeout', stream, toxicity: 1, attributes: { timeout: 0 } });
    return {
      detail: `${link.from}->${link.to} partitioned (${mode})`,
      revert: revertOnce(async () => {
        if (mode === 'refuse') await proxy.setEnabled(true);
        else for (const name of toxics) await proxy.removeToxic(name);
      }),
    };
  },
};
