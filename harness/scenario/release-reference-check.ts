import { existsSync } from 'node:fs';
import { loadReleaseManifest } from '../release/bundle-loader.ts';
import { errorMessage } from '../errors.ts';
import type { LoadedScenario } from './scenario-loader.ts';
import type { Problem } from './problem.ts';
import { resolveReleasePath } from './scenario-files.ts';

/**
 * Every bundle exists, holds a valid release.json, and belongs to its service. Writes
 * nothing. With `allowImages` (container drivers), a reference that is not a directory
 * may name a local image: the driver checks it when the run starts.
 */
export async function checkReleaseReferences(scenarios: LoadedScenario[], cwd: string, options: { allowImages?: boolean } = {}): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const loaded of scenarios) {
    const compose = loaded.scenario.environment?.compose;
    if (compose !== undefined && !existsSync(resolveReleasePath(compose, loaded.file, cwd))) {
      problems.push({ file: loaded.displayFile, path: 'environment.compose', message: `compose file not found: ${compose} (./ paths are relative to the scenario, others to the project root)` });
    }
    for (const [service, spec] of Object.entries(loaded.scenario.services)) {
      for (const [name, ref] of Object.entries(spec.releases)) {
        const path = `services.${service}.releases.${name}`;
        const location = resolveReleasePath(typeof ref === 'string' ? ref : ref.bundle, loaded.file, cwd);
        if (options.allowImages && !existsSync(location)) continue;
        try {
          const manifest = await loadReleaseManifest(location);
          if (manifest.service !== service) problems.push({ file: loaded.displayFile, path, message: `the bundle is a release of service ${JSON.stringify(manifest.service)}, not ${JSON.stringify(service)}` });
          for (const dependency of referencedDependencies(manifest)) {
            // With a compose file, its depends_on counts too: checked once the file is read (environment-preflight.ts).
            if (!spec.dependsOn.includes(dependency) && compose === undefined) problems.push({ file: loaded.displayFile, path, message: `the release reaches {url:${dependency}} or {addr:${dependency}}, but services.${service}.dependsOn does not list ${JSON.stringify(dependency)}` });
          }
        } catch (error) {
          problems.push({ file: loaded.displayFile, path, message: errorMessage(error) });
        }
      }
    }
  }
  return problems;
}

/** Services a release's command and env reach through `{url:<name>}` / `{addr:<name>}`. */
export function referencedDependencies(manifest: { command: string[]; env: Record<string, string> }): string[] {
  const text = [...manifest.command, ...Object.values(manifest.env)].join('\n');
  return [...new Set([...text.matchAll(/\{(?:url|addr):([A-Za-z0-9][A-Za-z0-9_.-]*)\}/g)].map((m) => m[1]!))];
}
