import { z } from 'zod';
import { PROVENANCE_FIELDS } from './rules/provenance.ts';
import type { PolicyRule } from './policy-rule.ts';

const customRuleSchema = z.strictObject({
  name: z.string().min(1).max(100),
  check: z.custom<PolicyRule['check']>((v) => typeof v === 'function', 'expected a function (subject) => message | undefined (custom rules exist only in a drillbit.config.ts)'),
});

/** `policy` in the config: the rules that run before every deploy (none by default). */
export const policyConfigSchema = z.strictObject({
  /** Releases must be referenced by digest (`sha256:…`, `image@sha256:…`, `{ bundle, digest }`). Default false. */
  immutableReference: z.boolean().default(false),
  /** The registration must carry these provenance fields (true: all of them). Default off. */
  provenance: z.union([z.boolean(), z.strictObject({ fields: z.array(z.enum(PROVENANCE_FIELDS)).min(1) })]).default(false),
  /** Labels every release must carry (release.json `labels`, image labels). Default none. */
  requiredLabels: z.array(z.string().min(1).max(200)).max(100).default([]),
  /** No env value may look like a credential; `allow` lists keys to skip. Default off. */
  noSecretsInEnv: z.union([z.boolean(), z.strictObject({ allow: z.array(z.string()).default([]) })]).default(false),
  /** Releases created more than this many days ago are refused. Default off. */
  maxAgeDays: z.number().positive().max(36_500).optional(),
  /** Your own rules, as TypeScript functions. */
  custom: z.array(customRuleSchema).max(100).default([]),
});

export type PolicyConfig = z.output<typeof policyConfigSchema>;
export type PolicyConfigInput = z.input<typeof policyConfigSchema>;
