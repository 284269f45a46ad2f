import type { LedgerEntry, RegisterEntry, SealedEntry } from './ledger-entry.ts';

/** One step in a service's life during a drill, for the reports (results.json `lineage`). */
export interface LineageStep {
  /** ISO time it was recorded. */
  at: string;
  event: 'deploy' | 'deploy rejected' | 'deploy halted' | 'promote' | 'promote refused' | 'rollback' | 'validate';
  version: string;
  digest: string;
  /** The scenario's name for the release, when the step names one. */
  release?: string;
  /** The ledger entry's number, when the run keeps a ledger. */
  seq?: number;
  /** The registration the release came from. */
  registration?: { seq?: number; at?: string; by: string; source: string; createdAt: string | null };
  /** When the release was promoted during the drill, if it was. */
  promotedAt?: string;
  reason?: string;
  /** validate: the drill's status. */
  status?: string;
}

type Entry = LedgerEntry & Partial<SealedEntry>;

/** Per service, what the drill did with its releases, from the entries it wrote. */
export function drillLineage(entries: readonly Entry[], registration: (service: string, digest: string) => (RegisterEntry & Partial<SealedEntry>) | undefined): Record<string, LineageStep[]> {
  const lineage: Record<string, LineageStep[]> = {};
  const promotedAt = new Map<string, string>();
  for (const entry of entries) if (entry.type === 'promote' && entry.outcome === 'promoted' && entry.at) promotedAt.set(`${entry.service}\0${entry.digest}`, entry.at);
  const push = (service: string, step: LineageStep) => (lineage[service] ??= []).push(step);
  for (const entry of entries) {
    if (entry.type === 'register') continue;
    if (entry.type === 'validate') {
      for (const r of entry.releases.filter((x) => x.final)) push(r.service, { ...base(entry, r.service, r.digest, r.version), event: 'validate', status: entry.status });
      continue;
    }
    const digest = entry.type === 'rollback' ? entry.to : entry.digest;
    const event = entry.type === 'deploy' ? (entry.outcome === 'deployed' ? 'deploy' : entry.outcome === 'rejected' ? 'deploy rejected' : 'deploy halted') : entry.type === 'promote' ? (entry.outcome === 'promoted' ? 'promote' : 'promote refused') : 'rollback';
    push(entry.service, {
      ...base(entry, entry.service, digest, entry.version),
      event,
      ...('release' in entry && entry.release ? { release: entry.release } : {}),
      ...(entry.reason ? { reason: entry.reason } : {}),
    });
  }
  return lineage;

  function base(entry: Entry, service: string, digest: string, version: string): Omit<LineageStep, 'event'> {
    const registered = registration(service, digest);
    const promoted = promotedAt.get(`${service}\0${digest}`);
    return {
      at: entry.at ?? '',
      version,
      digest,
      ...(entry.seq !== undefined ? { seq: entry.seq } : {}),
      ...(registered ? { registration: { ...(registered.seq !== undefined ? { seq: registered.seq } : {}), ...(registered.at ? { at: registered.at } : {}), by: registered.by, source: registered.source, createdAt: registered.createdAt } } : {}),
      ...(promoted ? { promotedAt: promoted } : {}),
    };
  }
}
