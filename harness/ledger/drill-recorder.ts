import type { Digest } from '../drivers/driver.ts';
import type { LedgerEntry, RegisterEntry, SealedEntry, UnsealedEntry } from './ledger-entry.ts';
import type { Ledger } from './ledger.ts';

/** What one drill attempt is: it stamps every entry it writes. */
export interface DrillIdentity {
  runId: string;
  scenario: string;
  attempt: number;
  driver: string;
}

/**
 * What a drill writes to the ledger (deploys, promotions, rollbacks), kept in memory too,
 * so the report shows the drill's lineage — and a run without a ledger still has one.
 */
export class DrillRecorder {
  /** The entries of this drill, in order, sealed when a ledger holds them. */
  readonly entries: (LedgerEntry & Partial<SealedEntry>)[] = [];

  constructor(
    readonly identity: DrillIdentity,
    readonly ledger: Ledger | undefined,
    /** Registrations of the run's releases, by `service\0digest`. */
    private readonly registrations: ReadonlyMap<string, SealedEntry & RegisterEntry> = new Map(),
  ) {}

  registration(service: string, digest: Digest): (SealedEntry & RegisterEntry) | undefined {
    return this.registrations.get(`${service}\0${digest}`);
  }

  /**
   * Appends an entry stamped with the run and scenario. It joins `entries` at once, in the
   * order things happened (a guard's rollback must not wait behind a slow, contended append
   * to count as the newest state); with a ledger, the sealed entry replaces it once it is on
   * disk, which is when the returned promise resolves.
   */
  async record(entry: UnsealedEntry): Promise<LedgerEntry & Partial<SealedEntry>> {
    const drillFields = entry.type === 'register' || entry.type === 'validate' ? {} : { scenario: this.identity.scenario, attempt: this.identity.attempt };
    const stamped = { ...drillFields, ...entry, runId: this.identity.runId } as UnsealedEntry;
    const index = this.entries.push({ ...stamped, by: stamped.by ?? this.ledger?.actor ?? 'drillbit', at: new Date().toISOString() } as LedgerEntry & Partial<SealedEntry>) - 1;
    if (!this.ledger) return this.entries[index]!;
    const written = this.ledger.append(stamped).then(([sealed]) => (this.entries[index] = sealed!));
    this.pending = this.pending.then(() => written).catch(() => undefined);
    return written;
  }

  /**
   * Records without waiting for the disk: a deploy or rollback must not be slowed by a
   * contended ledger (the guard arms, traffic starts, at once). A failed append is kept in
   * `failures`; `settled()` waits for the rest.
   */
  recordInBackground(entry: UnsealedEntry): void {
    this.record(entry).catch((error: unknown) => this.failures.push(error instanceof Error ? error.message : String(error)));
  }

  /** Appends that failed (the verdict names them). */
  readonly failures: string[] = [];

  /** Resolves once every entry recorded so far is on disk (or failed to get there). */
  settled(): Promise<void> {
    return this.pending.then(() => undefined);
  }

  private pending: Promise<unknown> = Promise.resolve();

  /** The ledger's entries (all runs), for gates; without a ledger, this drill's own. */
  async history(): Promise<SealedEntry[]> {
    return this.ledger ? this.ledger.trustedEntries() : (this.entries as SealedEntry[]);
  }
}
