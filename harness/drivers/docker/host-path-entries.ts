import { execFile } from 'node:child_process';
import { lstat, readFile, readdir, readlink, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DrillbitError } from '../../errors.ts';

const run = promisify(execFile);

/** One entry of the base image's root file system, by its path inside the image (no leading `/`). */
export interface RootfsEntry {
  path: string;
  content?: Buffer;
  mode: number;
  type: 'file' | 'directory' | 'symlink';
  linkname?: string;
  /** The host file's modification time; absent: the archive's fixed time. */
  mtime?: Date;
}

/** The shared libraries `ldd` lists for a binary, by absolute path (vdso excluded). */
export async function linkedLibraries(binary: string): Promise<string[]> {
  const { stdout } = await run('ldd', [binary]);
  return [...stdout.matchAll(/(\/[^\s]+)\s+\(0x/g)].map((m) => m[1]!);
}

const HINT = 'name host paths that exist, absolute, separated by ":" (DRILLBIT_DOCKER_BASE_EXTRAS=/usr/sbin/nginx:/etc/nginx/mime.types)';

/**
 * The entries that bring host paths into the image at the same paths, for releases that run
 * host programs: a file as it is, a directory with everything under it, a symlink as a link
 * to what it points to (which comes along). Symlinks inside a directory are followed (a
 * dangling one is left out). Every ELF file brings the libraries `ldd` lists. Modification
 * times are kept: Python checks its bytecode caches against its sources' times.
 */
export async function hostPathEntries(paths: readonly string[]): Promise<RootfsEntry[]> {
  const out = new Map<string, RootfsEntry>();
  const elves: string[] = [];
  for (const path of paths) await addNamedPath(path, out, elves);
  // A static ELF file has no libraries, and ldd says so by failing.
  const libraries = new Set((await Promise.all(elves.map((elf) => linkedLibraries(elf).catch(() => [])))).flat());
  for (const library of libraries) {
    const inImage = library.slice(1);
    if (!out.has(inImage)) out.set(inImage, await fileEntry(inImage, await realpath(library), false));
  }
  return [...out.values()];
}

/** `path:size:mtime` of every file under the named paths: what the archive would be built from, without reading it. */
export async function hostPathsKey(paths: readonly string[]): Promise<string> {
  const lines: string[] = [];
  for (const path of paths) {
    await requireAbsoluteExisting(path);
    await walkStats(path, lines, new Set());
  }
  return lines.join('\n');
}

async function addNamedPath(path: string, out: Map<string, RootfsEntry>, elves: string[]): Promise<void> {
  await requireAbsoluteExisting(path);
  const info = await lstat(path);
  if (info.isSymbolicLink()) {
    const target = resolve(dirname(path), await readlink(path));
    out.set(path.slice(1), { path: path.slice(1), type: 'symlink', linkname: target, mode: 0o777 });
    return addNamedPath(target, out, elves);
  }
  await addTree(path, await realpath(path), out, elves, new Set());
}

/** `inImage` (absolute) from the host's `onHost`, following symlinks below it. */
async function addTree(inImage: string, onHost: string, out: Map<string, RootfsEntry>, elves: string[], ancestors: Set<string>): Promise<void> {
  const info = await stat(onHost).catch(() => undefined);
  if (!info) return; // a dangling link inside a tree
  if (info.isFile()) {
    const entry = await fileEntry(inImage.slice(1), onHost, true);
    out.set(entry.path, entry);
    if (isElf(entry.content!)) elves.push(onHost);
    return;
  }
  if (!info.isDirectory()) return; // sockets, FIFOs, devices are not content
  const real = await realpath(onHost);
  if (ancestors.has(real)) return; // a link back up the tree
  for (const name of (await readdir(onHost)).sort()) await addTree(join(inImage, name), join(onHost, name), out, elves, new Set([...ancestors, real]));
}

async function fileEntry(inImage: string, onHost: string, keepTime: boolean): Promise<RootfsEntry> {
  const info = await stat(onHost);
  const mtime = keepTime ? new Date(Math.trunc(info.mtimeMs / 1000) * 1000) : undefined;
  return { path: inImage, content: await readFile(onHost), mode: info.mode & 0o7777, type: 'file', ...(mtime ? { mtime } : {}) };
}

function isElf(content: Buffer): boolean {
  return content.length > 4 && content[0] === 0x7f && content.toString('latin1', 1, 4) === 'ELF';
}

async function walkStats(path: string, lines: string[], ancestors: Set<string>): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return;
  if (info.isFile()) {
    lines.push(`${path}:${info.size}:${Math.trunc(info.mtimeMs)}`);
    return;
  }
  if (!info.isDirectory()) return;
  const real = await realpath(path);
  if (ancestors.has(real)) return;
  for (const name of (await readdir(path)).sort()) await walkStats(join(path, name), lines, new Set([...ancestors, real]));
}

async function requireAbsoluteExisting(path: string): Promise<void> {
  if (!isAbsolute(path)) throw new DrillbitError('bad-input', `base image extra "${path}" is not an absolute path`, { hint: HINT });
  const problem = await stat(path).then(
    () => undefined,
    (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? 'no such file or directory on this host' : error.message),
  );
  if (problem) throw new DrillbitError('bad-input', `base image extra ${path}: ${problem}`, { hint: HINT });
}
