import type { PolicyConfig } from './policy-config.ts';
import type { PolicyRule } from './policy-rule.ts';
import { immutableReferenceRule } from './rules/immutable-reference.ts';
import { maxAgeRule } from './rules/max-age.ts';
import { noSecretsInEnvRule } from './rules/no-secrets-in-env.ts';
import { provenanceRule } from './rules/provenance.ts';
import { requiredLabelsRule } from './rules/required-labels.ts';

/**
 * Every built-in rule, by its config key, in one explicit map: each makes its rule from
 * its part of the config, or nothing when that part leaves it off.
 */
const builtIn: { [K in keyof Omit<PolicyConfig, 'custom'>]-?: (value: PolicyConfig[K]) => PolicyRule | undefined } = {
  immutableReference: (on) => (on ? immutableReferenceRule : undefined),
  provenance: (value) => (value === false ? undefined : provenanceRule(value === true ? undefined : value.fields)),
  requiredLabels: (labels) => (labels.length ? requiredLabelsRule(labels) : undefined),
  noSecretsInEnv: (value) => (value === false ? undefined : noSecretsInEnvRule(value === true ? [] : value.allow)),
  maxAgeDays: (days) => (days === undefined ? undefined : maxAgeRule(days)),
};

/** The rules a policy config turns on: the built-in ones first, then the custom ones, in order. */
export function policyRules(config: PolicyConfig | undefined): PolicyRule[] {
  if (!config) return [];
  const rules = (Object.keys(builtIn) as (keyof typeof builtIn)[]).map((key) => (builtIn[key] as (v: unknown) => PolicyRule | undefined)(config[key]));
  return [...rules.filter((r): r is PolicyRule => r !== undefined), ...config.custom];
}
