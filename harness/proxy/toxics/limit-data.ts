import { attributes, count } from '../toxic-attributes.ts';
import type { ToxicType } from '../toxic.ts';

/**
 * Lets `bytes` bytes through, then closes the connection. The count is per connection and
 * survives an update of the toxic (Toxiproxy's stateful limit_data).
 */
export const limitData: ToxicType<{ bytes: number }> = {
  type: 'limit_data',
  description: 'closes the connection once bytes bytes went through',
  attributes: attributes({ bytes: count() }),
  tcp: {
    pipe: (a, stub) => ({
      data(chunk) {
        const sent = stub.state.sent ?? 0;
        const allowed = Math.max(0, a.bytes - sent);
        const data = chunk.data.length > allowed ? chunk.data.subarray(0, allowed) : chunk.data;
        if (data.length > 0) {
          stub.push(data === chunk.data ? chunk : { data, at: chunk.at });
          stub.state.sent = sent + data.length;
        }
        if (a.bytes - (stub.state.sent ?? 0) <= 0) stub.close();
      },
    }),
  },
};
