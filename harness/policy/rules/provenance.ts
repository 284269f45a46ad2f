import type { RegisterEntry } from '../../ledger/ledger-entry.ts';
import type { PolicyRule } from '../policy-rule.ts';

export const PROVENANCE_FIELDS = ['version', 'source', 'configDigest', 'createdAt', 'by'] as const;
export type ProvenanceField = (typeof PROVENANCE_FIELDS)[number];

/** `provenance`: the release's registration carries every provenance field (default: all of them). */
export function provenanceRule(fields: readonly ProvenanceField[] = PROVENANCE_FIELDS): PolicyRule {
  return {
    name: 'provenance',
    check({ service, name, registration }) {
      if (!registration) return `${service}@${name} has no registration in a ledger, so its provenance is unknown; run with a ledger`;
      const missing = fields.filter((field) => isBlank(registration[field as keyof RegisterEntry]));
      if (missing.length === 0) return undefined;
      return `${service}@${name} (${registration.version}) has no ${missing.join(', ')} in its provenance${missing.includes('createdAt') ? '; set "createdAt" in its release.json (or build the image with a creation time)' : ''}`;
    },
  };
}

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}
