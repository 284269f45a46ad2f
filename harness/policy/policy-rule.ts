import type { ResolvedRelease } from '../drivers/driver.ts';
import type { RegisterEntry } from '../ledger/ledger-entry.ts';

/** What a policy rule judges: one release about to be deployed, with how it was named and its provenance. */
export interface PolicySubject {
  service: string;
  /** The scenario's name for the release (`good`, `v2`). */
  name: string;
  release: ResolvedRelease;
  /** The reference as the scenario wrote it: a bundle path, an image tag, `sha256:…`. */
  reference: string;
  /** The digest the scenario pinned the reference to (`{ bundle, digest }`, `image@sha256:…`), if it did. */
  pinnedDigest?: string;
  /** Its registration in the ledger; absent when the run keeps no ledger. */
  registration?: RegisterEntry;
  /** The time the deploy is judged at. */
  now: Date;
}

/** A rule's finding: undefined (or an empty list) lets the deploy go on; a message halts it. */
export type PolicyFinding = string | string[] | undefined | void;

/**
 * A policy rule: a plain function, so users add their own in `drillbit.config.ts`
 * (`policy: { custom: [{ name: 'no-friday-deploys', check: (s) => … }] }`).
 */
export interface PolicyRule {
  readonly name: string;
  check(subject: PolicySubject): PolicyFinding | Promise<PolicyFinding>;
}

export interface PolicyViolation {
  rule: string;
  message: string;
}

/** Runs every rule; a rule that throws is a violation too (a broken rule must not wave a deploy through). */
export async function evaluatePolicy(rules: readonly PolicyRule[], subject: PolicySubject): Promise<PolicyViolation[]> {
  const violations: PolicyViolation[] = [];
  for (const rule of rules) {
    let finding: PolicyFinding;
    try {
      finding = await rule.check(subject);
    } catch (error) {
      finding = `the rule failed: ${error instanceof Error ? error.message : String(error)}`;
    }
    const messages = finding === undefined ? [] : Array.isArray(finding) ? finding : [finding];
    for (const message of messages) violations.push({ rule: rule.name, message });
  }
  return violations;
}
