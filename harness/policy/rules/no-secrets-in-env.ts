import type { PolicyRule } from '../policy-rule.ts';

/** Values that are credentials whatever their key is called. */
const SECRET_VALUES: [string, RegExp][] = [
  ['a private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ['an AWS access key', /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/],
  ['a GitHub token', /\bgh[pousr]_[A-Za-z0-9]{36,}\b/],
  ['a Slack token', /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/],
  ['a JWT', /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/],
  ['a URL with a password', /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i],
];
/** Keys whose literal value is a secret: it belongs in a secret store, referenced at run time. */
const SECRET_KEY = /(?:^|_)(?:PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?)(?:_|$)/i;
/** A value that only points at a secret (a placeholder, a file, an env reference) is fine. */
const REFERENCE = /^(?:\{[^}]*\}|\$\{[^}]*\}|\$[A-Z_][A-Z0-9_]*|file:.*|\/.*|)$/;

/** `noSecretsInEnv`: no env value of the release looks like a credential. */
export function noSecretsInEnvRule(allow: readonly string[] = []): PolicyRule {
  return {
    name: 'no-secrets-in-env',
    check({ service, name, release }) {
      const findings: string[] = [];
      for (const [key, value] of Object.entries(release.manifest.env)) {
        if (allow.includes(key)) continue;
        const kind = SECRET_VALUES.find(([, pattern]) => pattern.test(value))?.[0] ?? (SECRET_KEY.test(key) && !REFERENCE.test(value) ? 'a literal secret' : undefined);
        if (kind) findings.push(`${service}@${name} has ${kind} in env ${key}; pass it at run time from a secret store instead`);
      }
      return findings;
    },
  };
}
