import { appendFile, chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { DrillbitError } from '../../errors.ts';
import type { ProcessFaultSurface } from '../../drivers/fault-surface.ts';
import { signalGroup } from '../../process/process-group.ts';
import { BUNDLE_DIR } from '../../drivers/docker/docker-names.ts';
import type { FaultContext, FaultType } from '../fault-type.ts';
import { revertOnce, withDeadline } from './bounded-revert.ts';
import { describeReplica, liveReplica, processSurface, replicaTarget, restoreReplica, waitReplicaDown, type ReplicaTarget } from './target-access.ts';
import { execMarker } from './container-helper.ts';

const params = z.strictObject({
  /**
   * What drifts: `file` edits a file of the release the replica runs, in place (local: its
   * store copy; docker: inside the container); `env` recreates the replica with an env value
   * changed; `replicas` takes the replica away without replacing it (scaled down by one).
   */
  kind: z.enum(['file', 'env', 'replicas']),
  /** `file`: the path inside the release. Default release.json. */
  path: z.string().min(1).max(1000).refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), 'expected a path inside the release').default('release.json'),
  /** `env`: the values to set. Default: the first literal value of the release's env, with "-drifted" appended. */
  env: z.record(z.string(), z.string()).optional(),
});

export type DriftParams = z.output<typeof params>;

const RECREATE_DEADLINE_MS = 15_000;

/**
 * Changes what runs behind the harness's back, as a hand edit in production would: the
 * ledger still says the release is what it was. The drift check must catch it; the revert
 * puts the release back as it was (file restored, replica recreated or replaced).
 */
export const driftFault: FaultType<DriftParams> = {
  name: 'drift',
  description: 'edit a file of a running release in place, recreate a replica with another env, or take a replica away — outside the ledger',
  targets: 'replica',
  params,
  needsDuration: false,
  plan(target, { kind }) {
    const replica = replicaTarget(target, 'drift');
    return [{ kind: 'in-process', description: `drift (${kind}) of ${replica.service}/${replica.replicaId} is undone by the run` }];
  },
  async inject(target, p, ctx) {
    const replica = replicaTarget(target, 'drift');
    const surface = processSurface(ctx, 'drift');
    liveReplica(surface, replica, 'drift');
    if (p.kind === 'replicas') return takeAway(surface, replica, ctx);
    if (p.kind === 'env') return changeEnv(surface, replica, p.env ?? (await defaultEnvDrift(ctx, replica)));
    return surface.execInReplica ? editInContainer(surface, replica, p.path, ctx) : editStoreCopy(surface, replica, p.path);
  },
};

async function takeAway(surface: ProcessFaultSurface, replica: ReplicaTarget, ctx: FaultContext) {
  const handle = liveReplica(surface, replica, 'drift');
  const revert = revertOnce(() => restoreReplica(surface, replica, ctx, 'drift'));
  if (surface.killReplica) await surface.killReplica(replica.service, replica.replicaId);
  else signalGroup(handle.pgid, 'SIGKILL');
  if (!(await waitReplicaDown(surface, replica, handle.pid, 5000, ctx.signal))) throw new DrillbitError('timeout', `fault drift on ${describeReplica(replica)}: still running 5s after SIGKILL`);
  return { revert, detail: `replica ${replica.replicaId} taken away, not replaced` };
}

async function changeEnv(surface: ProcessFaultSurface, replica: ReplicaTarget, env: Record<string, string>) {
  const recreate = surface.recreateReplicaWithEnv;
  if (!recreate) throw new DrillbitError('bad-input', 'fault drift (env): this driver cannot recreate a replica with another env');
  await withDeadline(recreate(replica.service, replica.replicaId, env), RECREATE_DEADLINE_MS, `fault drift on ${describeReplica(replica)}: recreating it`);
  const revert = revertOnce(() => withDeadline(recreate(replica.service, replica.replicaId, {}), RECREATE_DEADLINE_MS, `fault drift on ${replica.service}/${replica.replicaId}: recreating it as released`));
  return { revert, detail: `${replica.replicaId} recreated with ${Object.entries(env).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}` };
}

/** The first env value of the release that is a literal (no placeholder), changed. */
async function defaultEnvDrift(ctx: FaultContext, replica: ReplicaTarget): Promise<Record<string, string>> {
  const observed = (await ctx.env.observe())[replica.service]?.replicas.find((r) => r.id === replica.replicaId);
  const literal = Object.entries(observed?.env ?? {}).find(([, value]) => !value.includes('{'));
  if (!literal) throw new DrillbitError('bad-input', `fault drift (env) on ${replica.service}: its release has no literal env value to change; name one with params.env`);
  return { [literal[0]]: `${literal[1]}-drifted` };
}

/** Local: the store copy the replica runs from, edited in place (made writable, then read-only again). */
async function editStoreCopy(surface: ProcessFaultSurface, replica: ReplicaTarget, path: string) {
  if (!surface.releaseDir) throw new DrillbitError('bad-input', 'fault drift (file): this driver cannot reach a release\'s files');
  const file = join(surface.releaseDir(replica.service, replica.replicaId), path);
  const [original, mode] = await Promise.all([readFile(file), stat(file).then((s) => s.mode & 0o777)]).catch(() => {
    throw new DrillbitError('bad-input', `fault drift (file): the release of ${replica.service} has no file ${path}`);
  });
  await chmod(file, mode | 0o200);
  await appendFile(file, '\n');
  await chmod(file, mode);
  const revert = revertOnce(async () => {
    await chmod(file, mode | 0o200);
    await writeFile(file, original);
    await chmod(file, mode);
  });
  return { revert, detail: `${path} of the running release edited in place (${file})` };
}

/** Docker: the file edited inside the container (`docker exec`); the revert recreates the container from its image. */
async function editInContainer(surface: ProcessFaultSurface, replica: ReplicaTarget, path: string, ctx: FaultContext) {
  const marker = execMarker(ctx);
  const script = `require('fs').appendFileSync(process.argv[1], '\\n')`;
  const exec = await surface.execInReplica!(replica.service, replica.replicaId, { argv: ['node', '-e', script, `${BUNDLE_DIR}/${path}`, marker], marker });
  const code = await withDeadline(exec.exited, 10_000, `fault drift on ${describeReplica(replica)}: editing ${path}`);
  if (code !== 0) throw new DrillbitError('bad-input', `fault drift (file): could not edit ${BUNDLE_DIR}/${path} in ${replica.service}/${replica.replicaId} (exit ${code})`);
  const recreate = surface.recreateReplicaWithEnv;
  const revert = revertOnce(async () => {
    if (recreate) await withDeadline(recreate(replica.service, replica.replicaId, {}), RECREATE_DEADLINE_MS, `fault drift on ${replica.service}/${replica.replicaId}: recreating it from its image`);
  });
  return { revert, detail: `${BUNDLE_DIR}/${path} edited inside container of ${replica.replicaId}` };
}
