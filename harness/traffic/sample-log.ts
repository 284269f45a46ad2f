import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import type { Sample, SampleSeq } from './sample.ts';
import { perSecondSeries, summarize, type SecondBucket, type SliSummary } from './sli-window.ts';

/** Samples per chunk: a chunk's columns are allocated at once, and nothing is ever copied to grow. */
const CHUNK = 1 << 14;
const WRITE = 1;
const OK = 2;
/** Distinct error messages kept as such; past it, a new one reads as the overflow marker. Releases are few: up to 65,534 kept. */
const ERROR_LIMIT = 4096;

/** Full chunks kept in memory besides the one being filled; older ones go to the spill file, when there is one. */
const MEMORY_CHUNKS = 2;

interface Chunk {
  intended: Float64Array;
  sent: Float64Array;
  done: Float64Array;
  status: Uint16Array;
  release: Uint16Array;
  /** Index + 1 into the string table; 0: none. */
  error: Uint16Array;
  flags: Uint8Array;
  /** Write ids by index in the chunk (writes only). */
  writeIds: Map<number, string>;
}

/** A full chunk in the spill file: its columns at `offset`, then its write ids as JSON. */
interface SpilledChunk {
  offset: number;
  bytes: number;
}

/** Bytes of a chunk's columns, in the order they are laid out (each column aligned for its type). */
const COLUMN_BYTES = CHUNK * (8 * 3 + 2 * 3 + 1);

export interface SampleLogOptions {
  /**
   * A file the log may move full chunks to, keeping only the newest in memory, so a long
   * drill at a high rate holds a bounded amount of memory for its samples. Removed by
   * `close()`. Without it, every chunk stays in memory.
   */
  spillFile?: string;
}

/**
 * Every sample of a drill, kept by column in typed arrays (~30 bytes a request instead of
 * ~130 as objects), so a long drill at a high rate keeps its per-request evidence without
 * the harness's heap growing by an object per request. Samples come out as objects again
 * (`at`, iteration, `filter`), one at a time. Kept in `doneMs` order as the engine reports
 * them; `window` sorts a log that got a sample out of that order (another clock). With a
 * spill file, full chunks but the newest go to it as they fill, so memory stays flat however
 * long the drill: reads come back from the file, a chunk at a time.
 */
export class SampleLog implements SampleSeq {
  private readonly chunks: (Chunk | SpilledChunk)[] = [];
  private count = 0;
  private failureCount = 0;
  private spill: { fd: number; size: number } | undefined;
  /** Why spilling stopped (the file could not be written): the log then keeps every chunk in memory. */
  private spillFailed: string | undefined;
  /** The spilled chunk read last, by index: iteration reads each one once. */
  private cached: { index: number; chunk: Chunk } | undefined;
  /** Whether samples came in `doneMs` order (the engine's completion order). */
  private sorted = true;
  private lastDoneMs = -Infinity;
  private readonly releases = new StringTable(0xffff);
  private readonly errors = new StringTable(ERROR_LIMIT);

  constructor(private readonly options: SampleLogOptions = {}) {}

  /** Bound, so it can be handed to the engine as `onSample` directly. */
  readonly add = (sample: Sample): void => {
    const i = this.count;
    if (i % CHUNK === 0) {
      this.chunks.push(newChunk());
      this.spillOld();
    }
    const chunk = this.chunks[this.chunks.length - 1] as Chunk;
    const j = i % CHUNK;
    chunk.intended[j] = sample.intendedMs;
    chunk.sent[j] = sample.sentMs;
    chunk.done[j] = sample.doneMs;
    chunk.status[j] = sample.status;
    chunk.flags[j] = (sample.kind === 'write' ? WRITE : 0) | (sample.ok ? OK : 0);
    chunk.release[j] = this.releases.index(sample.release);
    chunk.error[j] = this.errors.index(sample.error);
    if (sample.writeId !== undefined) chunk.writeIds.set(j, sample.writeId);
    if (sample.doneMs < this.lastDoneMs) this.sorted = false;
    this.lastDoneMs = Math.max(this.lastDoneMs, sample.doneMs);
    this.count++;
    if (!sample.ok) this.failureCount++;
  };

  get length(): number {
    return this.count;
  }

  /** Samples that were not ok, so far. */
  get failures(): number {
    return this.failureCount;
  }

  /** The i-th sample (negative counts from the end, as `Array.at`). */
  at(index: number): Sample | undefined {
    const i = index < 0 ? this.count + index : index;
    if (!Number.isInteger(i) || i < 0 || i >= this.count) return undefined;
    const chunk = this.chunk(Math.floor(i / CHUNK));
    const j = i % CHUNK;
    const flags = chunk.flags[j]!;
    const intendedMs = chunk.intended[j]!;
    const doneMs = chunk.done[j]!;
    const sample: Sample = { kind: flags & WRITE ? 'write' : 'read', intendedMs, sentMs: chunk.sent[j]!, doneMs, latencyMs: doneMs - intendedMs, status: chunk.status[j]!, ok: (flags & OK) !== 0 };
    const release = this.releases.at(chunk.release[j]!);
    if (release !== undefined) sample.release = release;
    const writeId = chunk.writeIds.get(j);
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

  /** Full chunks in the spill file, and why spilling stopped if it did. */
  spillState(): { spilledChunks: number; inMemoryChunks: number; failed?: string } {
    const spilled = this.chunks.filter((c) => !('intended' in c)).length;
    return { spilledChunks: spilled, inMemoryChunks: this.chunks.length - spilled, ...(this.spillFailed ? { failed: this.spillFailed } : {}) };
  }

  /** Removes the spill file. The log must not be read after. Idempotent. */
  close(): void {
    if (!this.spill) return;
    closeSync(this.spill.fd);
    this.spill = undefined;
    rmSync(this.options.spillFile!, { force: true });
  }

  /** Moves the oldest full chunk in memory to the spill file, when more than MEMORY_CHUNKS are. */
  private spillOld(): void {
    const file = this.options.spillFile;
    if (file === undefined || this.spillFailed !== undefined) return;
    const index = this.chunks.length - 2 - MEMORY_CHUNKS;
    const chunk = this.chunks[index];
    if (!chunk || !('intended' in chunk)) return;
    try {
      this.spill ??= { fd: openSync(file, 'w+', 0o600), size: 0 };
      const bytes = encodeChunk(chunk);
      writeSync(this.spill.fd, bytes, 0, bytes.length, this.spill.size);
      this.chunks[index] = { offset: this.spill.size, bytes: bytes.length };
      this.spill.size += bytes.length;
    } catch (error) {
      this.spillFailed = error instanceof Error ? error.message : String(error);
    }
  }

  private chunk(index: number): Chunk {
    const chunk = this.chunks[index]!;
    if ('intended' in chunk) return chunk;
    if (this.cached?.index !== index) {
      const bytes = new Uint8Array(new ArrayBuffer(chunk.bytes));
      readSync(this.spill!.fd, bytes, 0, chunk.bytes, chunk.offset);
      this.cached = { index, chunk: decodeChunk(bytes) };
    }
    return this.cached.chunk;
  }
}

/** A chunk as bytes: its columns (8-byte ones first, so each stays aligned), then its write ids as JSON. */
function encodeChunk(chunk: Chunk): Uint8Array {
  const ids = Buffer.from(JSON.stringify([...chunk.writeIds]));
  const bytes = new Uint8Array(COLUMN_BYTES + ids.length);
  let at = 0;
  for (const column of columns(chunk)) {
    bytes.set(new Uint8Array(column.buffer, column.byteOffset, column.byteLength), at);
    at += column.byteLength;
  }
  bytes.set(ids, at);
  return bytes;
}

function decodeChunk(bytes: Uint8Array): Chunk {
  const { buffer } = bytes;
  const f64 = (n: number) => new Float64Array(buffer, n * CHUNK * 8, CHUNK);
  const u16 = (n: number) => new Uint16Array(buffer, CHUNK * 24 + n * CHUNK * 2, CHUNK);
  const ids = JSON.parse(Buffer.from(buffer, COLUMN_BYTES).toString('utf8')) as [number, string][];
  return { intended: f64(0), sent: f64(1), done: f64(2), status: u16(0), release: u16(1), error: u16(2), flags: new Uint8Array(buffer, CHUNK * 30, CHUNK), writeIds: new Map(ids) };
}

function columns(chunk: Chunk): ArrayBufferView[] {
  return [chunk.intended, chunk.sent, chunk.done, chunk.status, chunk.release, chunk.error, chunk.flags];
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
    release: new Uint16Array(CHUNK),
    error: new Uint16Array(CHUNK),
    flags: new Uint8Array(CHUNK),
    writeIds: new Map(),
  };
}
