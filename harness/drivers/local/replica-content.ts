import { createHash } from 'node:crypto';
import { readFile, readlink } from 'node:fs/promises';
import { basename } from 'node:path';
import { digestFiles, listBundleFiles } from '../../release/bundle-digest.ts';
import type { ReplicaContent } from '../driver.ts';
import type { ReplicaProcess } from './replica-process.ts';

/**
 * The files a replica really runs, against its release: the store copy it runs from
 * (`/proc/<pid>/cwd`) is hashed again and compared with the digest it is stored under, so an
 * edit made in place — which the directory's name cannot show — is caught, and the files
 * that differ from the source bundle are named. Without /proc or a live process: nothing to say.
 */
export async function inspectReplicaContent(replica: ReplicaProcess): Promise<ReplicaContent | undefined> {
  const pid = replica.pid;
  if (!replica.alive || pid === undefined) return undefined;
  let dir: string;
  try {
    dir = await readlink(`/proc/${pid}/cwd`);
  } catch {
    return undefined;
  }
  if (!basename(dir).startsWith('sha256-')) return { replicaId: replica.id, changed: ['(the process does not run from the release store)'] };
  const stored = `sha256:${basename(dir).slice('sha256-'.length)}`;
  const actual = await digestFiles(await listBundleFiles(dir));
  if (actual === stored) return { replicaId: replica.id, changed: [] };
  // The digest says that something changed; the source bundle, file by file, says what (when it is still as it was).
  const [running, source] = await Promise.all([fileHashes(dir), fileHashes(replica.release.source)]);
  const changed = [...new Set([...running.keys(), ...source.keys()])].filter((path) => running.get(path) !== source.get(path)).sort();
  return { replicaId: replica.id, changed: changed.length ? changed : [`(its files hash to ${actual}, not ${stored})`] };
}

async function fileHashes(dir: string): Promise<Map<string, string>> {
  const files = await listBundleFiles(dir).catch(() => []);
  const hashes = new Map<string, string>();
  for (const file of files) hashes.set(file.relativePath, createHash('sha256').update(await readFile(file.absolutePath)).digest('hex'));
  return hashes;
}
