import { verifyChain, type ChainVerdict } from './ledger-verify.ts';
import { LedgerFile } from './ledger-file.ts';
import type { LedgerEntry, SealedEntry, UnsealedEntry } from './ledger-entry.ts';
import { lastKnownGood, type LkgRecord } from './lkg.ts';
import { DrillbitError } from '../errors.ts';

/** The release ledger of a project: its file, and who the entries this process writes are by. */
export class Ledger {
  readonly file: LedgerFile;

  constructor(
    path: string,
    /** Who is acting: a CI identity or the OS user (identity.ts). */
    readonly actor: string,
    /** Told when an append sets aside what an interrupted append left. */
    onTornTail?: (message: string) => void,
  ) {
    this.file = new LedgerFile(path, onTornTail);
  }

  get path(): string {
    return this.file.path;
  }

  /** Appends entries by this actor (unless they name their own `by`). */
  append(...entries: UnsealedEntry[]): Promise<SealedEntry[]> {
    return this.file.append(entries.map((e) => ({ ...e, by: e.by ?? this.actor }) as LedgerEntry));
  }

  entries(): Promise<SealedEntry[]> {
    return this.file.entries();
  }

  async verify(): Promise<ChainVerdict> {
    const [lines, tornTail] = await Promise.all([this.file.lines(), this.file.tornTail()]);
    return { ...verifyChain(lines), ...(tornTail ? { tornTail } : {}) };
  }

  /** The entries, once the chain is proved intact: decisions (LKG, gates) are never made on an edited ledger. */
  async trustedEntries(): Promise<SealedEntry[]> {
    const verdict = await this.verify();
    if (!verdict.ok) {
      throw new DrillbitError('ledger-broken', `ledger ${this.path} is broken: ${verdict.breaks[0]!.message}`, { hint: 'run `drillbit ledger verify` for every break; restore the file from a copy you trust' });
    }
    return this.file.entries();
  }

  async lkg(service: string): Promise<LkgRecord | undefined> {
    return lastKnownGood(await this.trustedEntries(), service);
  }
}
