import { canonicalJson, sha256Hex } from '../release/bundle-digest.ts';
import type { LedgerEntry, Sealed, SealedEntry } from './ledger-entry.ts';

/** The hash that seals an entry: sha256 of its canonical JSON without `hash`. */
export function entryHash(entry: Omit<SealedEntry, 'hash'> | SealedEntry): string {
  const { hash: _ignored, ...rest } = entry as SealedEntry;
  return `sha256:${sha256Hex(canonicalJson(rest))}`;
}

/** Seals an entry after `previous`: numbered, timed, chained and hashed. */
export function seal(entry: LedgerEntry, previous: Pick<Sealed, 'seq' | 'hash'> | undefined, at: Date): SealedEntry {
  const unsealed = { ...entry, seq: (previous?.seq ?? 0) + 1, at: at.toISOString(), prev: previous?.hash ?? null } as Omit<SealedEntry, 'hash'>;
  return { ...unsealed, hash: entryHash(unsealed) } as SealedEntry;
}

/** The one line an entry is stored as: canonical JSON, so any changed byte is visible. */
export function entryLine(entry: SealedEntry): string {
  return canonicalJson(entry);
}
