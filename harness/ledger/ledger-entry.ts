import type { Digest } from '../drivers/driver.ts';

/** One line of the ledger. Every entry is chained to the one before it (`prev`) and sealed by its own `hash`. */
export type LedgerEntry = RegisterEntry | DeployEntry | ValidateEntry | PromoteEntry | RollbackEntry;
export type LedgerEntryType = LedgerEntry['type'];

/** Fields the ledger itself sets when it appends an entry. */
export interface Sealed {
  /** 1, 2, 3… in file order: a gap is a deleted entry, a step back a reordered one. */
  seq: number;
  /** ISO time of the append. */
  at: string;
  /** `hash` of the entry before, null for the first. */
  prev: string | null;
  /** sha256 of the entry's canonical JSON without `hash`. */
  hash: string;
}

interface Common {
  /** Who (a user, a CI identity) or what wrote it. */
  by: string;
  /** The run that wrote it, when a drill did. */
  runId?: string;
  /** Why, in words, when there is a why. */
  reason?: string;
  /** The scenario attempt that wrote it, when a drill did. */
  attempt?: number;
}

/** A release entered the registry: its identity and provenance, once per digest. */
export interface RegisterEntry extends Common {
  type: 'register';
  service: string;
  version: string;
  digest: Digest;
  configDigest: Digest;
  /** Where the artifact came from: a bundle directory or an image reference. */
  source: string;
  kind: 'bundle' | 'image';
  /** When the artifact was made (release.json `createdAt`, an image's `Created`); null when it does not say. */
  createdAt: string | null;
  labels: Record<string, string>;
}

/** A deploy of a release: done, rejected by health, or halted by a policy rule. */
export interface DeployEntry extends Common {
  type: 'deploy';
  service: string;
  version: string;
  digest: Digest;
  outcome: 'deployed' | 'rejected' | 'halted';
  scenario?: string;
  /** The scenario's name for the release (`good`, `v2`). */
  release?: string;
  replicas?: number;
  driver?: string;
}

/** A drill's verdict, with the release each service ended on. */
export interface ValidateEntry extends Common {
  type: 'validate';
  scenario: string;
  file: string;
  attempt: number;
  status: 'passed' | 'failed' | 'errored' | 'aborted';
  driver?: string;
  /** Per service: the release the drill ended on (what its final checks verified), and the others it deployed. */
  releases: { service: string; digest: Digest; version: string; final: boolean }[];
  numbers: { ttdMs: number | null; ttrMs: number | null; availability: number | null; p95Ms: number | null; lost: number };
}

/** A promotion attempt: the gate passed (the release is the LKG) or it did not (the LKG is unchanged). */
export interface PromoteEntry extends Common {
  type: 'promote';
  service: string;
  version: string;
  digest: Digest;
  outcome: 'promoted' | 'refused';
  /** What the gate asked and what it found, one line per check. */
  gate: { checks: { name: string; passed: boolean; message: string }[] };
  scenario?: string;
}

/** A rollback of a service to a release. */
export interface RollbackEntry extends Common {
  type: 'rollback';
  service: string;
  /** The release it rolled away from, when known. */
  from?: Digest;
  to: Digest;
  version: string;
  planned: boolean;
  scenario?: string;
}

/** An entry as a writer hands it over: the ledger seals it. */
export type UnsealedEntry = DistributiveOmit<LedgerEntry, 'by'> & { by?: string };
export type SealedEntry = LedgerEntry & Sealed;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** The service an entry is about (a validate entry is about each service it lists). */
export function entryServices(entry: LedgerEntry): string[] {
  return entry.type === 'validate' ? [...new Set(entry.releases.map((r) => r.service))] : [entry.service];
}
