import { short } from '../checks/lkg-equality-check.ts';
import type { LedgerEntry } from './ledger-entry.ts';

/** One short phrase naming an entry for people: `deploy shop 2.0.0 (sha256:ab12…)`. */
export function describeEntry(entry: LedgerEntry): string {
  switch (entry.type) {
    case 'register':
      return `register ${entry.service} ${entry.version} ${short(entry.digest)}`;
    case 'deploy':
      return `deploy ${entry.service} ${entry.version}${entry.outcome === 'deployed' ? '' : ` ${entry.outcome}`}`;
    case 'validate':
      return `validate "${entry.scenario}" ${entry.status}`;
    case 'promote':
      return `promote ${entry.service} ${entry.version} ${entry.outcome}`;
    case 'rollback':
      return `rollback ${entry.service} to ${entry.version}`;
    default:
      return `unknown entry type ${JSON.stringify((entry as { type?: unknown }).type)}`;
  }
}
