export interface RateSearchOptions {
  startRate: number;
  /** Step-up factor while the rate holds. */
  factor: number;
  /** Bisection probes between the last rate that held and the first that did not. */
  bisections: number;
  /** Never probe above this. */
  maxRate: number;
  /** Rates are rounded to a multiple of this. */
  granularity: number;
}

export interface RateSearchResult<T> {
  /** The highest rate that held, and its probe; undefined when not even the lowest did. */
  best: { rate: number; probe: T } | undefined;
  /** The lowest rate that did not hold. */
  failedAt: number | undefined;
}

/**
 * The highest constant rate that `holds`: steps up by `factor` from `startRate` until a
 * rate fails (stepping down instead when the first one fails), then bisects.
 */
export async function searchSustainedRate<T>(probe: (rate: number) => Promise<T>, holds: (result: T) => boolean, options: RateSearchOptions, signal?: AbortSignal): Promise<RateSearchResult<T>> {
  const snap = (rate: number) => Math.max(options.granularity, Math.round(rate / options.granularity) * options.granularity);
  let best: RateSearchResult<T>['best'];
  let failedAt: number | undefined;
  const tryRate = async (rate: number) => {
    const result = await probe(rate);
    if (holds(result)) best = best && best.rate > rate ? best : { rate, probe: result };
    else failedAt = Math.min(failedAt ?? Infinity, rate);
    return holds(result);
  };
  for (let rate = snap(options.startRate); rate <= options.maxRate && !signal?.aborted; rate = snap(rate * options.factor)) {
    if (!(await tryRate(rate))) break;
  }
  for (let rate = snap(options.startRate / options.factor); !best && rate >= options.granularity && !signal?.aborted; rate = snap(rate / options.factor)) {
    if (await tryRate(rate)) break;
    if (rate === options.granularity) break;
  }
  for (let i = 0; i < options.bisections && best && failedAt !== undefined && !signal?.aborted; i++) {
    const mid = snap((best.rate + failedAt) / 2);
    if (mid <= best.rate || mid >= failedAt) break;
    await tryRate(mid);
  }
  return { best, failedAt };
}
