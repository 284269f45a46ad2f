import { mkdir, open, readFile, truncate, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DrillbitError } from '../errors.ts';
import { withFileLock } from './file-lock.ts';
import { entryLine, seal } from './ledger-chain.ts';
import type { LedgerEntry, SealedEntry } from './ledger-entry.ts';

/** What an append interrupted mid-write leaves: a last line with no newline that is not an entry. */
export interface TornTail {
  /** 1-based line of the file. */
  line: number;
  bytes: number;
}

/** The file's complete lines, and the torn tail after them, if any. */
interface LedgerText {
  lines: string[];
  torn?: TornTail & { text: string; offset: number };
  /** The last whole entry lost its newline (an append would glue onto it). */
  unterminated?: boolean;
}

/**
 * The ledger file: one canonical JSON entry a line, appended under a lock file (so
 * concurrent runs interleave whole entries and each one chains to the true previous
 * entry) and fsynced before the append returns. Nothing here rewrites a line. The one
 * exception is a torn tail — the bytes of an append that was killed mid-write, never
 * acknowledged, ending without a newline and not JSON: the next append moves them to
 * `<ledger>.torn-<time>` (kept for inspection) before it writes, instead of gluing the new
 * entry onto them.
 */
export class LedgerFile {
  /** Appends of this process, one after another (the lock file serializes processes). */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    readonly path: string,
    /** Told when an append sets a torn tail aside. */
    private readonly onTornTail?: (message: string) => void,
  ) {}

  /** Seals and appends entries, in order, atomically with respect to other writers. */
  append(entries: readonly LedgerEntry[]): Promise<SealedEntry[]> {
    return this.appendWith(() => entries);
  }

  /**
   * Decides what to append from the entries already there, under the lock, so a check
   * (this version is not registered yet) and the append that relies on it are one step.
   */
  appendWith(decide: (existing: SealedEntry[]) => readonly LedgerEntry[]): Promise<SealedEntry[]> {
    // The folder first: its lock file lives beside the ledger (a fresh project has no .drillbit/ yet).
    const run = async () => {
      await mkdir(dirname(this.path), { recursive: true });
      return withFileLock(this.path, () => this.appendLocked(decide));
    };
    const next = this.tail.then(run, run);
    this.tail = next.catch(() => undefined);
    return next;
  }

  /** Complete lines (a torn tail is not one); no file is an empty ledger. */
  async lines(): Promise<string[]> {
    return (await this.read()).lines;
  }

  /** The torn tail an interrupted append left, if any (`drillbit ledger verify` reports it). */
  async tornTail(): Promise<TornTail | undefined> {
    const { torn } = await this.read();
    return torn && { line: torn.line, bytes: torn.bytes };
  }

  private async read(): Promise<LedgerText> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { lines: [] };
      throw error;
    }
    const lines = text.split('\n');
    const last = lines.pop()!;
    if (last === '') return { lines };
    if (isJson(last)) return { lines: [...lines, last], unterminated: true };
    return { lines, torn: { line: lines.length + 1, bytes: Buffer.byteLength(last), text: last, offset: Buffer.byteLength(text) - Buffer.byteLength(last) } };
  }

  /** Every entry, parsed; a line that is not JSON is an error naming it (`drillbit ledger verify` says more). */
  async entries(): Promise<SealedEntry[]> {
    return (await this.lines()).map((line, i) => parseLine(line, i + 1, this.path));
  }

  private async appendLocked(decide: (existing: SealedEntry[]) => readonly LedgerEntry[]): Promise<SealedEntry[]> {
    await this.setAsideTornTail();
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

  /**
   * Under the lock: a torn tail goes to `<ledger>.torn-<time>` (fsynced) and the file is cut
   * back to its last newline; a last entry that is whole JSON but lost its newline gets it.
   */
  private async setAsideTornTail(): Promise<void> {
    const { torn, unterminated } = await this.read();
    if (unterminated) await writeFile(this.path, '\n', { flag: 'a' });
    if (!torn) return;
    const aside = `${this.path}.torn-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await writeFile(aside, torn.text, { flush: true });
    await truncate(this.path, torn.offset);
    this.onTornTail?.(`ledger ${this.path}:${torn.line}: an interrupted append left ${torn.bytes} bytes that are not an entry; set aside in ${aside}`);
  }
}

function isJson(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

function parseLine(line: string, lineNumber: number, path: string): SealedEntry {
  try {
    return JSON.parse(line) as SealedEntry;
  } catch {
    throw new DrillbitError('ledger-broken', `${path}:${lineNumber}: not a ledger entry (not valid JSON)`, { hint: 'run `drillbit ledger verify` to see where the chain breaks' });
  }
}
