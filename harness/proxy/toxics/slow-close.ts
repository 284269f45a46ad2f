import { attributes, millis } from '../toxic-attributes.ts';
import type { ToxicType } from '../toxic.ts';

/** Data passes; the end of the stream (the FIN) is held back `delay` ms. */
export const slowClose: ToxicType<{ delay: number }> = {
  type: 'slow_close',
  description: 'delays the close of the connection by delay ms',
  attributes: attributes({ delay: millis() }),
  tcp: {
    pipe: (a, stub) => ({
      data: (chunk) => stub.push(chunk),
      async end() {
        await stub.sleep(a.delay);
        stub.end();
      },
    }),
  },
};
