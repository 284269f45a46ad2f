import { short } from '../checks/lkg-equality-check.ts';
import type { SealedEntry } from './ledger-entry.ts';

const HEADERS = ['#', 'time (UTC)', 'event', 'service', 'version', 'digest', 'by', 'details'];

/** The lineage as a plain-text table, one row per entry (a validate entry: one row per service it is about when filtered). */
export function formatLedgerTable(entries: readonly SealedEntry[]): string {
  const rows = entries.map(row);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(HEADERS), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

function row(entry: SealedEntry): string[] {
  const at = entry.at.replace('T', ' ').replace(/\.\d+Z$/, '');
  const by = entry.by + (entry.runId ? ` [${entry.runId}]` : '');
  switch (entry.type) {
    case 'register':
      return [String(entry.seq), at, 'register', entry.service, entry.version, short(entry.digest), by, `${entry.kind} ${entry.source}${entry.createdAt ? `, created ${entry.createdAt}` : ''}`];
    case 'deploy':
      return [String(entry.seq), at, entry.outcome === 'deployed' ? 'deploy' : `deploy ${entry.outcome}`, entry.service, entry.version, short(entry.digest), by, details(entry.scenario, entry.reason)];
    case 'validate': {
      const finals = entry.releases.filter((r) => r.final);
      return [String(entry.seq), at, `validate ${entry.status}`, finals.map((r) => r.service).join(',') || '-', finals.map((r) => r.version).join(',') || '-', finals.map((r) => short(r.digest)).join(',') || '-', by, `"${entry.scenario}" attempt ${entry.attempt}${numbers(entry.numbers)}`];
    }
    case 'promote':
      return [String(entry.seq), at, entry.outcome === 'promoted' ? 'promote' : 'promote refused', entry.service, entry.version, short(entry.digest), by, details(entry.scenario, [entry.reason, gateSummary(entry.gate.checks)].filter(Boolean).join('; '))];
    case 'rollback':
      return [String(entry.seq), at, entry.planned ? 'rollback' : 'rollback (auto)', entry.service, entry.version, short(entry.to), by, details(entry.scenario, `${entry.from ? `from ${short(entry.from)}` : ''}${entry.reason ? `${entry.from ? ': ' : ''}${entry.reason}` : ''}`)];
    default:
      return [String((entry as SealedEntry).seq), at, 'unknown', '-', '-', '-', by, ''];
  }
}

/** `gate: 2/2 passed`, or the checks that failed. */
function gateSummary(checks: readonly { name: string; passed: boolean; message: string }[]): string {
  const failed = checks.filter((c) => !c.passed);
  if (failed.length === 0) return `gate: ${checks.length}/${checks.length} passed`;
  return `gate failed: ${failed.map((c) => `${c.name}: ${c.message}`).join('; ')}`;
}

function details(scenario: string | undefined, text: string | undefined): string {
  return [scenario ? `"${scenario}"` : '', text ?? ''].filter(Boolean).join(' ');
}

function numbers(n: { ttrMs: number | null; availability: number | null; lost: number }): string {
  const parts = [n.ttrMs !== null ? `ttr ${n.ttrMs}ms` : '', n.availability !== null ? `availability ${n.availability}` : '', n.lost ? `${n.lost} writes lost` : ''].filter(Boolean);
  return parts.length ? `: ${parts.join(', ')}` : '';
}
