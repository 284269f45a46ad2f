import type { ScenarioResult } from '../../verdict/results.ts';
import { table, type Cell } from './markup.ts';

/** Per service, its releases during the drill: each deploy, promotion and rollback, with the registration the release came from. */
export function lineageTable(r: ScenarioResult): string {
  const services = Object.entries(r.lineage ?? {});
  if (services.length === 0) return '<p class="muted">No release lineage recorded.</p>';
  const rows = services.flatMap(([service, steps]) =>
    steps.map((step): Cell[] => [
      service,
      time(step.at),
      step.event + (step.status ? ` (${step.status})` : ''),
      `${step.version}${step.release ? ` (${step.release})` : ''}`,
      { text: short(step.digest), cls: 'digest', title: step.digest },
      step.registration ? `${step.registration.seq !== undefined ? `#${step.registration.seq} ` : ''}${time(step.registration.at)} by ${step.registration.by}; ${step.registration.source}` : '—',
      step.promotedAt ? time(step.promotedAt) : '—',
      step.reason ?? '',
    ]),
  );
  return table(['service', 'when', 'event', 'release', 'digest', 'registered (ledger entry, when, by, from)', 'promoted', 'why'], rows, { cls: 'lineage' });
}

function time(iso: string | undefined): string {
  return iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '—';
}

function short(digest: string): string {
  return digest.startsWith('sha256:') ? `sha256:${digest.slice(7, 19)}` : digest;
}
