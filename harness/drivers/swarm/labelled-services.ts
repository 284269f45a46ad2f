import { errorMessage } from '../../errors.ts';
import { isNotFound, type DockerEngine } from '../docker/docker-engine.ts';
import { sleep } from '../../util/sleep.ts';

/**
 * Removes every swarm service carrying `label=value`, then waits (up to `waitMs`) for the
 * orchestrator to stop their task containers, which it does in the background — a volume
 * they mount cannot go before them. Selection by label only. With `dryRun`, lists them.
 */
export async function removeLabelledServices(engine: DockerEngine, label: string, value: string, options: { dryRun?: boolean; waitMs?: number } = {}): Promise<{ services: string[]; errors: string[] }> {
  const filters = { label: [`${label}=${value}`] };
  const services = (await engine.docker.listServices({ filters })) as { ID: string; Spec?: { Name?: string } }[];
  const removed: string[] = [];
  const errors: string[] = [];
  for (const service of services) {
    const name = service.Spec?.Name ?? service.ID.slice(0, 12);
    if (options.dryRun) {
      removed.push(name);
      continue;
    }
    try {
      await engine.docker.getService(service.ID).remove();
      removed.push(name);
    } catch (error) {
      if (isNotFound(error)) removed.push(name);
      else errors.push(`service ${name}: ${errorMessage(error)}`);
    }
  }
  if (!options.dryRun && removed.length && options.waitMs !== 0) await waitForNoContainers(engine, filters, options.waitMs ?? 15_000);
  return { services: removed, errors };
}

/** Services still carrying `label=value`, as `service <name>`. */
export async function listLabelledServices(engine: DockerEngine, label: string, value: string): Promise<string[]> {
  const services = (await engine.docker.listServices({ filters: { label: [`${label}=${value}`] } })) as { ID: string; Spec?: { Name?: string } }[];
  return services.map((s) => `service ${s.Spec?.Name ?? s.ID.slice(0, 12)}`);
}

async function waitForNoContainers(engine: DockerEngine, filters: Record<string, string[]>, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    const left = await engine.docker.listContainers({ all: true, filters });
    if (left.length === 0) return;
    await sleep(100);
  }
}
