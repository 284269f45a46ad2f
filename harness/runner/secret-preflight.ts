import { dirname } from 'node:path';
import { DrillbitError } from '../errors.ts';
import type { ScenarioEnvironment } from './environment-preflight.ts';
import type { LoadedScenario } from '../scenario/scenario-loader.ts';
import { readSecrets, registerSecretLookingEnv } from '../secrets/secret-values.ts';

/**
 * Before anything starts: reads each service's `secrets` into its environment spec
 * (`secretEnv`), and registers for redaction every secret value and every release env value
 * whose name looks like a credential. A missing secret is bad input naming the field.
 */
export async function attachSecrets(environments: ReadonlyMap<LoadedScenario, ScenarioEnvironment>, env: Readonly<Record<string, string | undefined>>): Promise<void> {
  for (const [loaded, environment] of environments) {
    for (const releases of environment.releases.values()) for (const release of releases.values()) registerSecretLookingEnv(release.manifest.env);
    for (const [service, spec] of Object.entries(loaded.scenario.services)) {
      if (!spec.secrets || !environment.spec.services[service]) continue;
      // A secret adds a variable; replacing one a release sets would change the release's configuration (seen as config drift).
      for (const release of environment.releases.get(service)?.values() ?? []) {
        const clash = Object.keys(spec.secrets).find((name) => Object.hasOwn(release.manifest.env, name));
        if (clash) throw new DrillbitError('bad-input', `${loaded.displayFile}: services.${service}.secrets.${clash}: release ${release.name} already sets ${clash} in its release.json`, { hint: 'a secret adds a variable the releases leave out; remove it from release.json or name the secret differently' });
      }
      const secretEnv = await readSecrets(service, spec.secrets, { file: loaded.displayFile, baseDir: dirname(loaded.file), env });
      environment.spec.services[service] = { ...environment.spec.services[service]!, secretEnv };
    }
  }
}
