import type { TrafficSpec, WriteSpec } from '../scenario/schema.ts';
import type { WriteOutcome } from './sample.ts';
import { escapeRegExp } from '../util/escape-regexp.ts';

/** One write as the Jepsen set checker sees it: invoked, then ok, failed or indeterminate. */
export interface WriteRecord {
  id: string;
  invokedMs: number;
  /** `pending` until the request completes (or is given up on). */
  outcome: WriteOutcome | 'pending';
  completedMs?: number;
  /** HTTP status; 0 when no response came. */
  status?: number;
  error?: string;
}

/** A write ready to send: its id and the templates with `{id}` filled in. */
export interface PreparedWrite {
  id: string;
  method: WriteSpec['method'];
  path: string;
  body: string;
  contentType: string;
}

export interface WriteCounts {
  attempted: number;
  acked: number;
  failed: number;
  indeterminate: number;
  pending: number;
}

const DEFAULT_WRITE: Omit<WriteSpec, 'path'> = {
  method: 'POST',
  body: '{"id":"{id}"}',
  contentType: 'application/json',
  ackStatuses: [200, 201, 204],
};

/** The full write spec of a traffic spec's `writes` (a bare path means POST `{"id":"{id}"}`). */
export function resolveWriteSpec(writes: NonNullable<TrafficSpec['writes']>): WriteSpec {
  return typeof writes === 'string' ? { ...DEFAULT_WRITE, path: writes } : writes;
}

/** Replaces every `{id}` in a template. */
export function fillTemplate(template: string, id: string, encode: (s: string) => string = (s) => s): string {
  return template.replaceAll('{id}', encode(id));
}

/**
 * Records every write: ids are unique (`${idPrefix}-${n}`, n from 1), outcomes follow
 * Jepsen: an ack status is ok, a fail status (default: any 4xx) is failed, anything
 * else (5xx, no response, timeout) is indeterminate — it may or may not have applied.
 */
export class WriteTracker {
  private readonly records = new Map<string, WriteRecord>();
  private readonly ackStatuses: ReadonlySet<number>;
  private readonly failStatuses: ReadonlySet<number> | undefined;
  private readonly idPattern: RegExp;
  private counter = 0;

  constructor(
    readonly spec: WriteSpec,
    readonly idPrefix: string,
  ) {
    this.ackStatuses = new Set(spec.ackStatuses);
    this.failStatuses = spec.failStatuses ? new Set(spec.failStatuses) : undefined;
    this.idPattern = new RegExp(`^${escapeRegExp(idPrefix)}-\\d+$`);
  }

  /** Allocates the next id and records the write as invoked. */
  invoke(nowMs: number): PreparedWrite {
    const id = `${this.idPrefix}-${++this.counter}`;
    this.records.set(id, { id, invokedMs: nowMs, outcome: 'pending' });
    return {
      id,
      method: this.spec.method,
      path: fillTemplate(this.spec.path, id, encodeURIComponent),
      body: fillTemplate(this.spec.body, id),
      contentType: this.spec.contentType,
    };
  }

  /** Records how a write ended; `status` 0 means no response. Returns the outcome. */
  complete(id: string, status: number, nowMs: number, error?: string): WriteOutcome {
    const record = this.records.get(id);
    if (record === undefined) throw new Error(`write ${id} was never invoked`);
    if (record.outcome !== 'pending') return record.outcome;
    record.outcome = this.classify(status);
    record.completedMs = nowMs;
    record.status = status;
    if (error !== undefined) record.error = error;
    return record.outcome;
  }

  classify(status: number): WriteOutcome {
    if (this.ackStatuses.has(status)) return 'ok';
    const failed = this.failStatuses ? this.failStatuses.has(status) : status >= 400 && status < 500;
    return failed ? 'failed' : 'indeterminate';
  }

  get(id: string): WriteRecord | undefined {
    return this.records.get(id);
  }

  all(): IterableIterator<WriteRecord> {
    return this.records.values();
  }

  /** Whether an id has this run's shape (`${idPrefix}-${n}`), attempted or not. */
  isOurs(id: string): boolean {
    return this.idPattern.test(id);
  }

  /** Ids by outcome; a write still pending counts as indeterminate (it may have applied). */
  idsWith(outcome: WriteOutcome): string[] {
    const ids: string[] = [];
    for (const record of this.records.values()) if (effectiveOutcome(record) === outcome) ids.push(record.id);
    return ids;
  }

  counts(): WriteCounts {
    const counts: WriteCounts = { attempted: this.records.size, acked: 0, failed: 0, indeterminate: 0, pending: 0 };
    for (const record of this.records.values()) {
      if (record.outcome === 'ok') counts.acked++;
      else if (record.outcome === 'failed') counts.failed++;
      else if (record.outcome === 'indeterminate') counts.indeterminate++;
      else counts.pending++;
    }
    return counts;
  }
}

export function effectiveOutcome(record: WriteRecord): WriteOutcome {
  return record.outcome === 'pending' ? 'indeterminate' : record.outcome;
}
