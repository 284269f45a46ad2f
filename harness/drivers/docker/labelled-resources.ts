import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import { errorMessage } from '../../errors.ts';
import type { DockerEngine } from './docker-engine.ts';
import { sleep } from '../../util/sleep.ts';

/** `<workDir>/docker.json`: written before an attempt creates anything, so `drillbit clean` knows which engine to ask. */
export interface DockerAttemptRecord {
  engine: string;
  runId: string;
  attempt: string;
  network: string;
}

const RECORD_FILE = 'docker.json';

export async function writeAttemptRecord(workDir: string, record: DockerAttemptRecord): Promise<void> {
  await writeFileAtomic(join(workDir, RECORD_FILE), `${JSON.stringify(record, null, 2)}\n`);
}

export async function readAttemptRecord(attemptDir: string): Promise<DockerAttemptRecord | undefined> {
  try {
    const record = JSON.parse(await readFile(join(attemptDir, RECORD_FILE), 'utf8')) as DockerAttemptRecord;
    return typeof record.engine === 'string' && typeof record.runId === 'string' ? record : undefined;
  } catch {
    return undefined;
  }
}

export interface Removed {
  containers: string[];
  networks: string[];
  volumes: string[];
  errors: string[];
}

/**
 * Removes every container, then network, then volume carrying `label=value` (containers
 * first: a network or volume in use cannot go). Selection is by label only, never by name.
 * With `dryRun`, lists what it would remove.
 */
export async function removeLabelled(engine: DockerEngine, label: string, value: string, options: { dryRun?: boolean } = {}): Promise<Removed> {
  const filters = { label: [`${label}=${value}`] };
  const removed: Removed = { containers: [], networks: [], volumes: [], errors: [] };
  // A killed run's last requests (a container create) may still land after the first listing,
  // and another reaper (the run's watchdog) may be removing the same things: list again and
  // retry until a pass finds nothing left or fails the same way, at most five passes.
  for (let pass = 1; pass <= 5; pass++) {
    const errors: string[] = [];
    const attempt = async (what: string, fn: () => Promise<void>) => {
      if (options.dryRun) return true;
      try {
        await fn();
        return true;
      } catch (error) {
        errors.push(`${what}: ${errorMessage(error)}`);
        return false;
      }
    };
    const containers = await engine.docker.listContainers({ all: true, filters });
    await Promise.all(
      containers.map(async (c) => {
        const name = c.Names[0]?.replace(/^\//, '') ?? c.Id.slice(0, 12);
        if ((await attempt(`container ${name}`, () => engine.removeContainer(c.Id))) && !removed.containers.includes(name)) removed.containers.push(name);
      }),
    );
    const networks = await engine.docker.listNetworks({ filters });
    for (const n of networks) {
      if ((await attempt(`network ${n.Name}`, () => engine.removeNetwork(n.Id))) && !removed.networks.includes(n.Name)) removed.networks.push(n.Name);
    }
    const volumes = (await engine.docker.listVolumes({ filters })).Volumes ?? [];
    for (const v of volumes) {
      if ((await attempt(`volume ${v.Name}`, () => engine.removeVolume(v.Name))) && !removed.volumes.includes(v.Name)) removed.volumes.push(v.Name);
    }
    removed.errors = errors;
    const found = containers.length + networks.length + volumes.length;
    if (options.dryRun || found === 0 || (errors.length === 0 && (await listLabelled(engine, label, value)).length === 0)) break;
    await sleep(200 * pass);
  }
  return removed;
}

/** What still carries `label=value`, as `container x`, `network y`, `volume z` (empty when nothing is left). */
export async function listLabelled(engine: DockerEngine, label: string, value: string): Promise<string[]> {
  const filters = { label: [`${label}=${value}`] };
  const [containers, networks, volumes] = await Promise.all([
    engine.docker.listContainers({ all: true, filters }),
    engine.docker.listNetworks({ filters }),
    engine.docker.listVolumes({ filters }),
  ]);
  return [
    ...containers.map((c) => `container ${c.Names[0]?.replace(/^\//, '') ?? c.Id.slice(0, 12)} (${c.State})`),
    ...networks.map((n) => `network ${n.Name}`),
    ...(volumes.Volumes ?? []).map((v) => `volume ${v.Name}`),
  ];
}
