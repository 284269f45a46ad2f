import { attributes, millis } from '../toxic-attributes.ts';
import type { ToxicType } from '../toxic.ts';

/**
 * Resets the connection (TCP RST both ways: "connection reset by peer") `timeout` ms after
 * the first data (or end) reaches it, dropping that data — Toxiproxy's reset_peer. An
 * interruption (removal, update) resets at once: the dropped data cannot be given back.
 */
export const resetPeer: ToxicType<{ timeout: number }> = {
  type: 'reset_peer',
  description: 'resets the connection (RST) timeout ms after data arrives',
  attributes: attributes({ timeout: millis() }),
  tcp: {
    pipe(a, stub) {
      const resetLater = async () => {
        if (a.timeout > 0) await stub.sleep(a.timeout);
        stub.reset();
      };
      return { data: resetLater, end: resetLater };
    },
  },
};
