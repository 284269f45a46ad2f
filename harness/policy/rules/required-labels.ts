import type { PolicyRule } from '../policy-rule.ts';

/** `requiredLabels`: the release carries each label, non-empty (release.json `labels`, or image labels). */
export function requiredLabelsRule(required: readonly string[]): PolicyRule {
  return {
    name: 'required-labels',
    check({ service, name, release }) {
      const labels = release.labels ?? {};
      const missing = required.filter((label) => !labels[label]);
      if (missing.length === 0) return undefined;
      return `${service}@${name} (${release.version}) lacks the required label${missing.length === 1 ? '' : 's'} ${missing.join(', ')}`;
    },
  };
}
