import { attributes, count } from '../toxic-attributes.ts';
import type { Chunk, ToxicStub, ToxicType } from '../toxic.ts';

const SLICE_MS = 100;

/**
 * Caps the throughput at `rate` KB/s (1 KB = 1000 bytes, as Toxiproxy): data larger than
 * 100 ms' worth goes out in 100 ms slices. `rate` 0 lets nothing through until the toxic
 * is removed (Toxiproxy never sends either).
 */
export const bandwidth: ToxicType<{ rate: number }> = {
  type: 'bandwidth',
  description: 'limits throughput to rate KB/s',
  attributes: attributes({ rate: count() }),
  tcp: {
    pipe(a, stub) {
      // Sleep owed for what was sent, carried over so timer granularity does not add up.
      const debt = { ms: 0 };
      return { data: (chunk) => (a.rate === 0 ? hold(stub, chunk) : throttle(stub, chunk, a.rate, debt)) };
    },
  },
};

async function throttle(stub: ToxicStub, chunk: Chunk, rate: number, debt: { ms: number }): Promise<void> {
  const bytesPerMs = rate; // KB/s = bytes/ms
  let data = chunk.data;
  debt.ms += data.length / bytesPerMs;
  const slice = bytesPerMs * SLICE_MS;
  while (data.length > slice) {
    if (!(await stub.sleep(SLICE_MS))) return stub.push({ data, at: chunk.at });
    stub.push({ data: data.subarray(0, slice), at: chunk.at });
    data = data.subarray(slice);
    debt.ms -= SLICE_MS;
  }
  const started = stub.now();
  if (debt.ms > 0 && !(await stub.sleep(debt.ms))) return stub.push({ data, at: chunk.at });
  debt.ms -= stub.now() - started;
  stub.push({ data, at: chunk.at });
}

async function hold(stub: ToxicStub, chunk: Chunk): Promise<void> {
  await stub.sleep(Infinity);
  stub.push(chunk);
}
