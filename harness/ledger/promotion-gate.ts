import { z } from 'zod';
import { short } from '../checks/lkg-equality-check.ts';
import { wilsonLowerBound } from '../verdict/wilson.ts';
import type { SealedEntry } from './ledger-entry.ts';

/** What a release must have shown before it becomes the LKG. */
export const gateSpecSchema = z.strictObject({
  /** Scenarios that must have passed on the release (recorded in the ledger, the release being what the drill ended on). */
  scenarios: z.array(z.string().min(1).max(200)).max(100).default([]),
  /** Least share of passed attempts per scenario. Default 1: every recorded attempt passed. */
  minPassRate: z.number().min(0).max(1).default(1),
  /** Compare the observed pass rate, or its 95% Wilson lower bound. Default observed. */
  on: z.enum(['observed', 'lower-bound']).default('observed'),
  /** Fewest recorded attempts per scenario. Default 1. */
  minAttempts: z.number().int().min(1).max(10_000).default(1),
});
export type GateSpec = z.output<typeof gateSpecSchema>;
export type GateSpecInput = z.input<typeof gateSpecSchema>;

export interface GateCheck {
  name: string;
  passed: boolean;
  message: string;
}

/** One gate check per named scenario, from the ledger's validate entries for this exact digest. */
export function scenarioGateChecks(entries: readonly SealedEntry[], service: string, digest: string, spec: GateSpec): GateCheck[] {
  return spec.scenarios.map((scenario) => {
    const name = `scenario "${scenario}" on ${short(digest)}`;
    const attempts = entries.filter((e) => e.type === 'validate' && e.scenario === scenario && e.status !== 'aborted' && e.releases.some((r) => r.service === service && r.digest === digest && r.final));
    const passed = attempts.filter((e) => e.type === 'validate' && e.status === 'passed').length;
    if (attempts.length < spec.minAttempts) {
      return { name, passed: false, message: `no data: ${attempts.length} recorded attempt${attempts.length === 1 ? '' : 's'} ending on this release, the gate needs ${spec.minAttempts}` };
    }
    const rate = spec.on === 'observed' ? passed / attempts.length : wilsonLowerBound(passed, attempts.length)!;
    const what = `${passed}/${attempts.length} passed (${spec.on === 'observed' ? 'pass rate' : 'Wilson lower bound'} ${rate.toFixed(3)}, minimum ${spec.minPassRate})`;
    return { name, passed: rate >= spec.minPassRate, message: what };
  });
}

/** A gate with nothing to check passes nothing: unknown is never a pass. */
export function gatePassed(checks: readonly GateCheck[]): boolean {
  return checks.length > 0 && checks.every((c) => c.passed);
}
