/** One request of synthetic traffic, as the engine saw it. Times are on the scenario's timeline (ms). */
export interface Sample {
  kind: 'read' | 'write';
  /** When the open model meant to send it; latency is measured from here (no coordinated omission). */
  intendedMs: number;
  sentMs: number;
  doneMs: number;
  /** doneMs - intendedMs. */
  latencyMs: number;
  /** HTTP status; 0 when no response came (connection error or timeout). */
  status: number;
  ok: boolean;
  /** Release digest the response says served it (`x-drillbit-release`), when it says. */
  release?: string;
  /** Writes only: the write's unique id. */
  writeId?: string;
  error?: string;
}

/** What the verifier reads samples through: a drill's `SampleLog` (sample-log.ts), or a plain array (tests). */
export interface SampleSeq extends Iterable<Sample> {
  readonly length: number;
  at(index: number): Sample | undefined;
  filter(predicate: (sample: Sample) => boolean): Sample[];
  find(predicate: (sample: Sample) => boolean): Sample | undefined;
}

export type WriteOutcome = 'ok' | 'failed' | 'indeterminate';

/** Jepsen set-checker result over acknowledged writes (DESIGN.md §2). */
export interface DataResult {
  attempted: number;
  acked: number;
  failed: number;
  indeterminate: number;
  /** Acknowledged but absent after recovery. */
  lost: number;
  lostIds: string[];
  /** Present but never attempted. */
  unexpected: number;
  /** Indeterminate but present. */
  recovered: number;
  /** Present but never attempted: the first 100 of them (list read-back only). */
  unexpectedIds?: string[];
  /** Failed (definitely not applied) but present: the service said no and did it anyway (list read-back only). */
  failedPresent?: number;
  /** Whether the read-back happened; false means the data check is unknown. */
  readBack: boolean;
  readBackError?: string;
}
