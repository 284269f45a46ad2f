import type { Sample, SampleSeq } from './sample.ts';
import { perSecondSeries, summarize, type SecondBucket, type SliSummary } from './sli-window.ts';

/** Samples per chunk: a chunk's columns are allocated at once, and nothing is ever copied to grow. */
const CHUNK = 1 << 14;
const WRITE = 1;
const OK = 2;
/** Distinct error messages kept as such; past it, a new one reads as the overflow marker. Releases are few: up to 65,534 kept. */
const ERROR_LIMIT = 4096;

interface Chunk {
  intended: Float64Array;
  sent: Float64Array;
  done: Float64Array;
  status: Uint16Array;
  flags: Uint8Array;
  /** Index + 1 into the string table; 0: none. */
  release: Uint16Array;
  error: Uint16Array;
}

/**
 * Every sample of a drill, kept by column in typed arrays (~30 bytes a request instead of
 * ~130 as objects), so a long drill at a high rate keeps its per-request evidence without
 * the harness's heap growing by an object per request. Samples come out as objects again
 * (`at`, iteration, `filter`), one at a time. Kept in `doneMs` order as the engine reports
 * them; `window` sorts a log that got a sample out of that order (another clock).
 */
export class SampleLog implements SampleSeq {
  private readonly chunks: Chunk[] = [];
  private count = 0;
  /** Whether samples came in `doneMs` order (the engine's completion order). */
  private sorted = true;
  private lastDoneMs = -Infinity;
  private readonly releases = new StringTable(0xffff);
  private readonly errors = new StringTable(ERROR_LIMIT);
  /** Write ids by sample index (writes only). */
  private readonly writeIds = new Map<number, string>();

  /** Bound, so it can be handed to the engine as `onSample` directly. */
  readonly add = (sample: Sample): void => {
    const i = this.count;
    if (i % CHUNK === 0) this.chunks.push(newChunk());
    const chunk = this.chunks[this.chunks.length - 1]!;
    const j = i % CHUNK;
    chunk.intended[j] = sample.intendedMs;
    chunk.sent[j] = sample.sentMs;
    chunk.done[j] = sample.doneMs;
    chunk.status[j] = sample.status;
    chunk.flags[j] = (sample.kind === 'write' ? WRITE : 0) | (sample.ok ? OK : 0);
    chunk.release[j] = this.releases.index(sample.release);
    chunk.error[j] = this.errors.index(sample.error);
    if (sample.writeId !== undefined) this.writeIds.set(i, sample.writeId);
    if (sample.doneMs < this.lastDoneMs) this.sorted = false;
    this.lastDoneMs = Math.max(this.lastDoneMs, sample.doneMs);
    this.count++;
  };

  get length(): number {
    return this.count;
  }

  /** The i-th sample (negative counts from the end, as `Array.at`). */
  at(index: number): Sample | undefined {
    const i = index < 0 ? this.count + index : index;
    if (!Number.isInteger(i) || i < 0 || i >= this.count) return undefined;
    const chunk = this.chunks[Math.floor(i / CHUNK)]!;
    const j = i % CHUNK;
    const flags = chunk.flags[j]!;
    const intendedMs = chunk.intended[j]!;
    const doneMs = chunk.done[j]!;
    const sample: Sample = { kind: flags & WRITE ? 'write' : 'read', intendedMs, sentMs: chunk.sent[j]!, doneMs, latencyMs: doneMs - intendedMs, status: chunk.status[j]!, ok: (flags & OK) !== 0 };
    const release = this.releases.at(chunk.release[j]!);
    if (release !== undefined) sample.release = release;
    const writeId = this.writeIds.get(i);
    if (writeId !== undefined) sample.writeId = writeId;
    const error = this.errors.at(chunk.error[j]!);
    if (error !== undefined) sample.error = error;
    return sample;
  }

  *[Symbol.iterator](): Iterator<Sample> {
    for (let i = 0; i < this.count; i++) yield this.at(i)!;
  }

  /** All samples, as objects, in the order they came. */
  all(): Sample[] {
    return [...this];
  }

  filter(predicate: (sample: Sample) => boolean): Sample[] {
    const found: Sample[] = [];
    for (const sample of this) if (predicate(sample)) found.push(sample);
    return found;
  }

  find(predicate: (sample: Sample) => boolean): Sample | undefined {
    for (const sample of this) if (predicate(sample)) return sample;
    return undefined;
  }

  /** Samples done in [fromMs, toMs), in `doneMs` order. */
  window(fromMs = -Infinity, toMs = Infinity): Sample[] {
    const found = this.filter((s) => s.doneMs >= fromMs && s.doneMs < toMs);
    return this.sorted ? found : found.sort((a, b) => a.doneMs - b.doneMs);
  }

  /** SLIs of the samples done in [fromMs, toMs). */
  summarize(fromMs = -Infinity, toMs = Infinity): SliSummary {
    return summarize(this, fromMs, toMs);
  }

  perSecond(): SecondBucket[] {
    return perSecondSeries(this);
  }
}

const OVERFLOW = '(more distinct values than kept)';

/** Strings by 1-based index (0: none), each once; past `limit`, a new one is kept as a marker. */
class StringTable {
  private readonly values: string[] = [];
  private readonly indexes = new Map<string, number>();

  constructor(private readonly limit: number) {}

  index(value: string | undefined): number {
    if (value === undefined) return 0;
    const known = this.indexes.get(value);
    if (known !== undefined) return known;
    const kept = this.values.length < this.limit - 1 ? value : OVERFLOW;
    const again = this.indexes.get(kept);
    if (again !== undefined) return again;
    this.values.push(kept);
    this.indexes.set(kept, this.values.length);
    return this.values.length;
  }

  at(index: number): string | undefined {
    return index === 0 ? undefined : this.values[index - 1];
  }
}

function newChunk(): Chunk {
  return {
    intended: new Float64Array(CHUNK),
    sent: new Float64Array(CHUNK),
    done: new Float64Array(CHUNK),
    status: new Uint16Array(CHUNK),
    flags: new Uint8Array(CHUNK),
    release: new Uint16Array(CHUNK),
    error: new Uint16Array(CHUNK),
  };
}
