import { attributes, count } from '../toxic-attributes.ts';
import type { Chunk, ToxicStub, ToxicType } from '../toxic.ts';

type SlicerAttributes = {
  average_size: number;
  size_variation: number;
  delay: number;
};

/**
 * Slices data into pieces of about `average_size` ± `size_variation` bytes, `delay` µs
 * apart (Toxiproxy's slicer, including its recursive halving). Delays under 1 ms are
 * honoured by yielding to the event loop until due, not by a timer.
 */
export const slicer: ToxicType<SlicerAttributes> = {
  type: 'slicer',
  description: 'slices data into average_size ± size_variation byte pieces, delay µs apart',
  attributes: attributes({ average_size: count(0, 1), size_variation: count(), delay: count() }).refine((a) => a.size_variation < a.average_size, {
    error: 'size_variation must be smaller than average_size',
    path: ['size_variation'],
  }),
  tcp: {
    pipe: (a, stub) => ({
      data(chunk) {
        const cuts = sliceOffsets(0, chunk.data.length, a, () => stub.random());
        if (a.delay === 0) {
          for (let i = 1; i < cuts.length; i++) stub.push({ data: chunk.data.subarray(cuts[i - 1], cuts[i]), at: chunk.at });
          return;
        }
        return sendSlices(stub, chunk, cuts, a.delay / 1000);
      },
    }),
  },
};

async function sendSlices(stub: ToxicStub, chunk: Chunk, cuts: number[], delayMs: number): Promise<void> {
  for (let i = 1; i < cuts.length; i++) {
    stub.push({ data: chunk.data.subarray(cuts[i - 1], cuts[i]), at: chunk.at });
    if (!(await stub.sleep(delayMs)) && i + 1 < cuts.length) return stub.push({ data: chunk.data.subarray(cuts[i]), at: chunk.at });
  }
}

/** Offsets [0, a, b, …, end] of the slices of [start, end): halves recursively until a piece is within the variation of the average. */
export function sliceOffsets(start: number, end: number, a: Pick<SlicerAttributes, 'average_size' | 'size_variation'>, random: () => number): number[] {
  const offsets = [start];
  const split = (from: number, to: number) => {
    if (to - from - a.average_size <= a.size_variation) return void offsets.push(to);
    const jitter = a.size_variation > 0 ? Math.floor(random() * 2 * a.size_variation) - a.size_variation : 0;
    const mid = from + Math.floor((to - from) / 2) + jitter;
    split(from, mid);
    split(mid, to);
  };
  if (end > start) split(start, end);
  return offsets;
}
