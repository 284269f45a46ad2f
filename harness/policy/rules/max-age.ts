import type { PolicyRule } from '../policy-rule.ts';

const DAY_MS = 86_400_000;

/** `maxAgeDays`: the release was created at most N days before the deploy; an unknown age never passes. */
export function maxAgeRule(maxAgeDays: number): PolicyRule {
  return {
    name: 'max-age',
    check({ service, name, release, registration, now }) {
      const createdAt = registration?.createdAt ?? release.createdAt;
      if (!createdAt) return `${service}@${name} (${release.version}) has no creation time, so its age cannot be checked against ${maxAgeDays} days; set "createdAt" in its release.json`;
      const ageDays = (now.getTime() - Date.parse(createdAt)) / DAY_MS;
      if (ageDays <= maxAgeDays) return undefined;
      return `${service}@${name} (${release.version}) was created ${Math.floor(ageDays)} days ago (${createdAt}), older than the ${maxAgeDays} days the policy allows; rebuild it`;
    },
  };
}
