import type { Digest } from '../drivers/driver.ts';
import type { ScenarioResult } from '../verdict/results.ts';
import type { LedgerEntry, ValidateEntry } from './ledger-entry.ts';

/**
 * The drill's verdict as a ledger entry: the releases it deployed, per service, and which
 * one it ended on (`final`: what its end-of-drill checks verified; a gate counts only that one).
 */
export function validateEntry(result: ScenarioResult, drillEntries: readonly LedgerEntry[], driver: string): Omit<ValidateEntry, 'by'> {
  const releases = new Map<string, { service: string; digest: Digest; version: string; final: boolean }>();
  const finals = new Map<string, Digest>();
  for (const entry of drillEntries) {
    const landed = entry.type === 'deploy' && entry.outcome === 'deployed' ? entry.digest : entry.type === 'rollback' ? entry.to : undefined;
    if (!landed || (entry.type !== 'deploy' && entry.type !== 'rollback')) continue;
    releases.set(`${entry.service}\0${landed}`, { service: entry.service, digest: landed, version: entry.version, final: false });
    finals.set(entry.service, landed);
  }
  for (const [service, digest] of finals) releases.get(`${service}\0${digest}`)!.final = true;
  return {
    type: 'validate',
    scenario: result.name,
    file: result.file,
    attempt: result.attempt,
    status: result.status,
    driver,
    releases: [...releases.values()],
    numbers: { ttdMs: result.recovery.ttdMs, ttrMs: result.recovery.ttrMs, availability: result.slis.availability, p95Ms: result.slis.p95Ms, lost: result.data.lost },
  };
}
