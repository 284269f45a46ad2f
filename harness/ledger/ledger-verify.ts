import { entryHash, entryLine } from './ledger-chain.ts';
import type { SealedEntry } from './ledger-entry.ts';
import { describeEntry } from './entry-description.ts';
import type { TornTail } from './ledger-file.ts';

export interface ChainBreak {
  /** 1-based line of the file where the chain stops holding. */
  line: number;
  /** The entry's own `seq`, when the line could be read. */
  seq?: number;
  message: string;
}

export interface ChainVerdict {
  ok: boolean;
  entries: number;
  /** `hash` of the last entry: pin it to detect a truncated tail. */
  head: string | null;
  breaks: ChainBreak[];
  /** After the last entry: the bytes of an append killed mid-write (never acknowledged, not an entry; not a break). */
  tornTail?: TornTail;
}

/**
 * Walks the chain line by line. An edited entry no longer matches its own hash (or is no
 * longer canonical JSON); a deleted one leaves a gap in `seq` and a `prev` that points at
 * nothing; a reordered one steps `seq` back. Each break names the entry it is about.
 */
export function verifyChain(lines: readonly string[]): ChainVerdict {
  const breaks: ChainBreak[] = [];
  let previous: SealedEntry | undefined;
  for (const [index, line] of lines.entries()) {
    const lineNumber = index + 1;
    const entry = parse(line);
    if (!entry) {
      breaks.push({ line: lineNumber, message: `line ${lineNumber} is not a ledger entry (not valid JSON): it was edited or truncated` });
      previous = undefined;
      continue;
    }
    const problem = entryProblem(entry, line, previous, lineNumber);
    if (problem) breaks.push({ line: lineNumber, seq: typeof entry.seq === 'number' ? entry.seq : undefined, message: problem });
    previous = entry;
  }
  const last = lines.length ? parse(lines.at(-1)!) : undefined;
  return { ok: breaks.length === 0, entries: lines.length, head: last?.hash ?? null, breaks };
}

function entryProblem(entry: SealedEntry, line: string, previous: SealedEntry | undefined, lineNumber: number): string | undefined {
  const name = `entry ${entry.seq} (line ${lineNumber}, ${describeEntry(entry)})`;
  if (entryHash(entry) !== entry.hash) return `${name} was edited: its content does not match its hash`;
  if (entryLine(entry) !== line) return `${name} was edited: the line is not the form it was written in`;
  const wantSeq = (previous?.seq ?? 0) + 1;
  if (entry.seq < wantSeq) return `${name} is out of order: it comes after entry ${previous?.seq} (reordered)`;
  if (entry.seq > wantSeq) return `${name} follows entry ${previous?.seq ?? 'none'}: entr${entry.seq - wantSeq === 1 ? 'y' : 'ies'} ${range(wantSeq, entry.seq - 1)} ${entry.seq - wantSeq === 1 ? 'was' : 'were'} deleted`;
  const wantPrev = previous?.hash ?? null;
  if (entry.prev !== wantPrev) return `${name} does not chain to the entry before it: ${lineNumber === 1 ? 'entries before it were deleted' : `entry ${previous?.seq} was replaced`}`;
  return undefined;
}

function parse(line: string): SealedEntry | undefined {
  try {
    const value = JSON.parse(line) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as SealedEntry) : undefined;
  } catch {
    return undefined;
  }
}

function range(from: number, to: number): string {
  return from === to ? String(from) : `${from}–${to}`;
}
