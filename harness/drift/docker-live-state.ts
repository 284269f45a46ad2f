import type { DockerEngine } from '../drivers/docker/docker-engine.ts';
import { BUNDLE_DIR, LABELS } from '../drivers/docker/docker-names.ts';
import type { LiveReplica } from './live-replica.ts';
import { DIGEST_PATTERN } from '../release/bundle-digest.ts';


/**
 * What a docker run's attempt really runs, asked of the engine by the labels Drillbit put
 * on its containers (run and work directory): each running container's release (its
 * image's digest label, else the image ID), whether its release files changed (the
 * engine's diff under /app), and its env.
 */
export async function dockerLiveReplicas(engine: DockerEngine, runId: string, workDir: string): Promise<LiveReplica[]> {
  const containers = await engine.docker.listContainers({ filters: { label: [`${LABELS.run}=${runId}`, `${LABELS.workDir}=${workDir}`] } });
  const found = await Promise.all(
    containers.map(async (summary): Promise<LiveReplica | undefined> => {
      const service = summary.Labels[LABELS.service];
      const id = summary.Labels[LABELS.replica];
      if (!service || !id) return undefined;
      const info = await engine.inspectContainer(summary.Id);
      if (!info?.State.Running) return undefined;
      const labelled = (await engine.inspectImage(info.Image))?.Config?.Labels?.[LABELS.releaseDigest];
      const changes = ((await engine.docker.getContainer(summary.Id).changes()) ?? []) as { Path: string }[];
      const env = Object.fromEntries((info.Config.Env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
      return { service, id, digest: labelled && DIGEST_PATTERN.test(labelled) ? labelled : info.Image, contentIntact: !changes.some((c) => c.Path.startsWith(`${BUNDLE_DIR}/`)), env };
    }),
  );
  return found.filter((r): r is LiveReplica => r !== undefined);
}
