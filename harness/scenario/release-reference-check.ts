import { loadReleaseManifest } from '../release/bundle-loader.ts';
import { errorMessage } from '../errors.ts';
import type { LoadedScenario } from './scenario-loader.ts';
import type { Problem } from './problem.ts';
import { resolveReleasePath } from './scenario-files.ts';

/** Local releases: every bundle exists, holds a valid release.json, and belongs to its service. Writes nothing. */
export async function checkReleaseReferences(scenarios: LoadedScenario[], cwd: string): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const loaded of scenarios) {
    for (const [service, spec] of Object.entries(loaded.scenario.services)) {
      for (const [name, ref] of Object.entries(spec.releases)) {
        const path = `services.${service}.releases.${name}`;
        try {
          const manifest = await loadReleaseManifest(resolveReleasePath(typeof ref === 'string' ? ref : ref.bundle, loaded.file, cwd));
          if (manifest.service !== service) problems.push({ file: loaded.displayFile, path, message: `the bundle is a release of service ${JSON.stringify(manifest.service)}, not ${JSON.stringify(service)}` });
        } catch (error) {
          problems.push({ file: loaded.displayFile, path, message: errorMessage(error) });
        }
      }
    }
  }
  return problems;
}
