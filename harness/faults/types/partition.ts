import { z } from 'zod';
import { DrillbitError } from '../../errors.ts';
import type { NetworkFaultSurface } from '../../drivers/fault-surface.ts';
import type { FaultContext, FaultTarget, FaultType } from '../fault-type.ts';
import type { UndoRecord } from '../undo-record.ts';
import { revertOnce } from './bounded-revert.ts';
import { linkProxy } from './network-toxic.ts';

const params = z.strictObject({
  /**
   * `refuse`: the link's fault proxy refuses connections and closes open ones; `blackhole`: data
   * goes nowhere and nothing closes; `disconnect` (docker only): the target service's containers
   * leave the run's network, so every path into and out of it is cut. Default refuse.
   */
  mode: z.enum(['refuse', 'blackhole', 'disconnect']).default('refuse'),
});

export type PartitionParams = z.infer<typeof params>;

/** A network partition on a link (or every inbound link of a service): the proxy refuses, blackholes, or the engine disconnects. */
export const partitionFault: FaultType<PartitionParams> = {
  name: 'partition',
  description: 'cuts a link: the fault proxy refuses connections or blackholes their data; or (docker) the target service is disconnected from the network',
  targets: 'link',
  params,
  needsDuration: true,
  plan(target, { mode }, ctx) {
    if (mode !== 'disconnect') return [{ kind: 'in-process', description: "partition on the run's fault proxy" }];
    const { service, surface } = disconnectable(target, ctx);
    return surface.attachments(service).map((a): UndoRecord => ({ kind: 'docker', op: 'connect', container: a.container, network: a.network, ipv4Address: a.ipv4Address, engine: a.engine }));
  },
  async inject(target, { mode }, ctx) {
    if (mode === 'disconnect') {
      const { service, surface } = disconnectable(target, ctx);
      const count = surface.attachments(service).length;
      const reconnect = await surface.disconnect(service);
      return { detail: `${service} disconnected from the run's network (${count} container${count === 1 ? '' : 's'}; every path to it is cut)`, revert: revertOnce(reconnect) };
    }
    const { link, proxy } = linkProxy(target, ctx, 'partition');
    const toxics = [`${ctx.injectionId}-up`, `${ctx.injectionId}-down`];
    const revert = revertOnce(async () => {
      if (mode === 'refuse') await proxy.setEnabled(true);
      else for (const name of toxics) await proxy.removeToxic(name);
    });
    try {
      if (mode === 'refuse') await proxy.setEnabled(false);
      else for (const [i, stream] of (['upstream', 'downstream'] as const).entries()) await proxy.addToxic({ name: toxics[i]!, type: 'timeout', stream, toxicity: 1, attributes: { timeout: 0 } });
    } catch (error) {
      await revert().catch(() => undefined);
      throw error;
    }
    return { detail: `${link.from}->${link.to} partitioned (${mode})`, revert };
  },
};

type Disconnectable = Required<Pick<NetworkFaultSurface, 'attachments' | 'disconnect'>>;

/** The link's target service and a surface that can take it off the network; a clear refusal on drivers without one. */
function disconnectable(target: FaultTarget, ctx: FaultContext): { service: string; surface: Disconnectable } {
  if (target.kind !== 'link') throw new DrillbitError('internal', `fault partition acts on a link, not on a ${target.kind}`);
  const surface = ctx.env.networkFaults;
  if (!surface?.disconnect || !surface.attachments) {
    throw new DrillbitError('bad-input', `fault partition on ${target.from}->${target.to}: mode "disconnect" takes containers off their network, and this driver runs no containers`, {
      hint: 'run with --driver docker, or use mode "refuse" or "blackhole" (they cut the link at its fault proxy)',
    });
  }
  return { service: target.to, surface: surface as Disconnectable };
}
