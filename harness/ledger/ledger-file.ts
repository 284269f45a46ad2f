import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DrillbitError } from '../errors.ts';
import { withFileLock } from './file-lock.ts';
import { entryLine, seal } from './ledger-chain.ts';
import type { LedgerEntry, SealedEntry } from './ledger-entry.ts';

/**
 * The ledger file: one canonical JSON entry a line, appended under a lock file (so
 * concurrent runs interleave whole entries and each one chains to the true previous
 * entry) and fsynced before the append returns. Nothing here rewrites a line.
 */
export class LedgerFile {
  /** Appends of this process, one after another (the lock file serializes processes). */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(readonly path: string) {}

  /** Seals and appends entries, in order, atomically with respect to other writers. */
  append(entries: readonly LedgerEntry[]): Promise<SealedEntry[]> {
    return this.appendWith(() => entries);
  }

  /**
   * Decides what to append from the entries already there, under the lock, so a check
   * (this version is not registered yet) and the append that relies on it are one step.
   */
  appendWith(decide: (existing: SealedEntry[]) => readonly LedgerEntry[]): Promise<SealedEntry[]> {
    const run = () => withFileLock(this.path, () => this.appendLocked(decide));
    const next = this.tail.then(run, run);
    this.tail = next.catch(() => undefined);
    return next;
  }

  /** Raw lines (without the trailing empty one); no file is an empty ledger. */
  async lines(): Promise<string[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    return lines;
  }

  /** Every entry, parsed; a line that is not JSON is an error naming it (`drillbit ledger verify` says more). */
  async entries(): Promise<SealedEntry[]> {
    return (await this.lines()).map((line, i) => parseLine(line, i + 1, this.path));
  }

  private async appendLocked(decide: (existing: SealedEntry[]) => readonly LedgerEntry[]): Promise<SealedEntry[]> {
    await mkdir(dirname(this.path), { recursive: true });
    const existing = await this.entries();
    const entries = decide(existing);
    if (entries.length === 0) return [];
    let previous = existing.at(-1);
    const sealed: SealedEntry[] = [];
    for (const entry of entries) {
      previous = seal(entry, previous, new Date());
      sealed.push(previous);
    }
    const handle = await open(this.path, 'a');
    try {
      await handle.write(sealed.map((e) => `${entryLine(e)}\n`).join(''));
      await handle.sync();
    } finally {
      await handle.close();
    }
    return sealed;
  }
}

function parseLine(line: string, lineNumber: number, path: string): SealedEntry {
  try {
    return JSON.parse(line) as SealedEntry;
  } catch {
    throw new DrillbitError('ledger-broken', `${path}:${lineNumber}: not a ledger entry (not valid JSON)`, { hint: 'run `drillbit ledger verify` to see where the chain breaks' });
  }
}
