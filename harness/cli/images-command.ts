import { join } from 'node:path';
import { ExitCode } from '../errors.ts';
import { buildBundleImages, findBundles } from '../drivers/docker/bundle-images.ts';
import { DockerDriver } from '../drivers/docker/docker-driver.ts';
import type { CliEnvironment } from './cli-environment.ts';

export interface ImagesBuildFlags {
  repository: string;
  base?: string;
}

/**
 * `drillbit images build [bundles…]`: the release image of every bundle (default: the
 * fixtures), tagged `<repository>/<service>:<folder>` (drillbit/shop:v1), so that
 * `docker-compose up` of the sample docker-compose.yml works with no registry. Idempotent.
 */
export async function imagesBuildCommand(paths: string[], flags: ImagesBuildFlags, cli: CliEnvironment, env: Readonly<Record<string, string | undefined>> = process.env): Promise<number> {
  const bundles = await findBundles(paths.length ? paths : ['fixtures'], cli.cwd);
  const driver = DockerDriver.fromEnvironment(env, { baseImage: flags.base });
  const images = await buildBundleImages(driver, bundles, {
    repository: flags.repository,
    storeDir: cli.storeDir,
    cwd: cli.cwd,
    onImage: (image) => cli.stdout(`${image.tag.padEnd(40)} ${image.id.slice(0, 19)}  ${image.changed ? 'tagged    ' : 'up to date'}  ${image.bundle}\n`),
  });
  const tagged = images.filter((i) => i.changed).length;
  cli.stdout(`${images.length} image${images.length === 1 ? '' : 's'}: ${tagged} tagged, ${images.length - tagged} up to date\n`);
  return ExitCode.ok;
}
