import { attributes, millis } from '../toxic-attributes.ts';
import type { ToxicType } from '../toxic.ts';

/**
 * Lets no data through (it is dropped) and closes the connection after `timeout` ms; with
 * 0 it holds the connection open, silent, until the toxic is removed. As in Toxiproxy, a
 * connection that lived under the toxic is closed when it is removed: data was lost.
 */
export const timeout: ToxicType<{ timeout: number }> = {
  type: 'timeout',
  description: 'stops all data and closes the connection after timeout ms (0: never closes)',
  attributes: attributes({ timeout: millis() }),
  tcp: {
    pipe(a, stub) {
      let timer: NodeJS.Timeout | undefined;
      return {
        start() {
          if (a.timeout > 0) timer = setTimeout(() => stub.close(), a.timeout);
        },
        data() {
          // dropped on the ground
        },
        stop: () => clearTimeout(timer),
        removed: () => stub.close(),
      };
    },
  },
};
