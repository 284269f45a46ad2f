import type { Driver, ResolvedRelease } from '../drivers/driver.ts';
import type { LoadedScenario } from '../scenario/scenario-loader.ts';
import { resolveReleasePath } from '../scenario/scenario-files.ts';
import { DrillbitError, errorMessage } from '../errors.ts';

export type ReleaseMap = Map<string, Map<string, ResolvedRelease>>;

/**
 * Resolves every release of every scenario before anything starts, so a missing bundle
 * or a broken release.json is bad input (exit 2) and never a half-started environment.
 * All problems are reported together.
 */
export async function resolveAllReleases(scenarios: LoadedScenario[], driver: Driver, options: { storeDir: string; cwd: string }): Promise<Map<LoadedScenario, ReleaseMap>> {
  const resolved = new Map<LoadedScenario, ReleaseMap>();
  const cache = new Map<string, Promise<ResolvedRelease>>();
  const problems: string[] = [];
  for (const loaded of scenarios) {
    const map: ReleaseMap = new Map();
    for (const [service, spec] of Object.entries(loaded.scenario.services)) {
      const releases = new Map<string, ResolvedRelease>();
      for (const [name, ref] of Object.entries(spec.releases)) {
        const path = resolveReleasePath(typeof ref === 'string' ? ref : ref.bundle, loaded.file, options.cwd);
        const key = `${service}\0${name}\0${path}`;
        if (!cache.has(key)) cache.set(key, driver.resolveRelease(service, name, path, options.cwd, { storeDir: options.storeDir }));
        try {
          const release = await cache.get(key)!;
          const pinned = typeof ref === 'string' ? undefined : ref.digest;
          if (pinned && pinned !== release.digest) throw new DrillbitError('bad-input', `pinned to ${pinned}, but ${release.source} is ${release.digest}: its content changed since it was pinned`);
          releases.set(name, release);
        } catch (error) {
          // No engine is not bad input: it is exit 3, with the driver's hint to start one.
          if (error instanceof DrillbitError && error.code === 'infrastructure') throw error;
          problems.push(`${loaded.displayFile}: services.${service}.releases.${name}: ${errorMessage(error)}`);
        }
      }
      map.set(service, releases);
    }
    resolved.set(loaded, map);
  }
  if (problems.length) {
    throw new DrillbitError('bad-input', [...new Set(problems)].join('\n'), { hint: 'a release is a directory holding a valid release.json (see DESIGN.md "Release bundle")' });
  }
  return resolved;
}
