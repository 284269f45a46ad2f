import { open, rm, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { DrillbitError } from '../../errors.ts';
import { throwIfAborted } from '../../util/sleep.ts';
import type { FaultContext, FaultTarget, FaultType } from '../fault-type.ts';
import { executeUndo } from '../undo-executor.ts';
import type { UndoRecord } from '../undo-record.ts';
import { revertOnce } from './bounded-revert.ts';
import { serviceTarget } from './target-access.ts';

const params = z.strictObject({
  /** Size of the file written into the service's data directory, in MiB. Default 256. */
  mb: z.number().int().min(1).max(10_240).default(256),
  /** Free space the fill always leaves on that file system, in MiB: the file is cut to fit. Default 512. */
  reserveMb: z.number().int().min(64).max(1_048_576).default(512),
});

export type DiskFillParams = z.output<typeof params>;

const MIB = 1024 * 1024;
const CHUNK = Buffer.alloc(MIB);

/** A file of `mb` MiB in the service's data directory: the disk the service writes to is that much fuller. */
export const diskFillFault: FaultType<DiskFillParams> = {
  name: 'disk-fill',
  description: "write a file of mb MiB into the service's data directory (never leaving less than reserveMb free); the revert removes it",
  targets: 'service',
  params,
  needsDuration: true,
  plan(target, _params, ctx) {
    return [{ kind: 'remove-path', path: fillPath(target, ctx) }];
  },
  async inject(target, { mb, reserveMb }, ctx) {
    const { service, surface } = serviceTarget(target, ctx, 'disk-fill');
    const path = fillPath(target, ctx);
    const undo: UndoRecord = { kind: 'remove-path', path };
    const revert = revertOnce(() => executeUndo(undo));
    const fs = await statfs(surface.dataDir(service));
    const freeMb = Math.floor((fs.bavail * fs.bsize) / MIB);
    const size = Math.min(mb, freeMb - reserveMb);
    if (size <= 0) throw new DrillbitError('bad-input', `fault disk-fill on ${service}: only ${freeMb} MiB free, less than the ${reserveMb} MiB it must leave`);
    try {
      await fill(path, size, ctx.signal);
    } catch (error) {
      await revert().catch(() => undefined);
      throw error;
    }
    const cut = size < mb ? ` (cut from ${mb} MiB to leave ${reserveMb} MiB free)` : '';
    return { revert, detail: `${size} MiB written to ${path}${cut}` };
  },
};

/** `<dataDir>/.drillbit-fill-<injectionId>`: known before anything is written, so plan() can journal it. */
function fillPath(target: FaultTarget, ctx: FaultContext): string {
  const { service, surface } = serviceTarget(target, ctx, 'disk-fill');
  return join(surface.dataDir(service), `.drillbit-fill-${ctx.injectionId}`);
}

/** Real blocks, not a sparse file: zeros written 1 MiB at a time (Node has no posix_fallocate). */
async function fill(path: string, mb: number, signal: AbortSignal): Promise<void> {
  const file = await open(path, 'w');
  try {
    for (let i = 0; i < mb; i++) {
      throwIfAborted(signal);
      await file.write(CHUNK, 0, MIB, i * MIB);
    }
  } catch (error) {
    await file.close().catch(() => undefined);
    await rm(path, { force: true });
    throw error;
  }
  await file.close();
}
