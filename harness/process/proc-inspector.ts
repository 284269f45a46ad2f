import { readdir, readFile, readlink } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Digest } from '../drivers/driver.ts';

const STORE_DIR_RE = /^sha256-([0-9a-f]{64})$/;

/** Whether this OS exposes processes under /proc (Linux); elsewhere the driver reports recorded values. */
export async function procAvailable(): Promise<boolean> {
  try {
    await readlink('/proc/self/cwd');
    return true;
  } catch {
    return false;
  }
}

/** The release a process runs, from its real working directory (`…/sha256-<hex>`); undefined if it runs elsewhere or is gone. */
export async function runningDigest(pid: number): Promise<Digest | undefined> {
  try {
    const match = STORE_DIR_RE.exec(basename(await readlink(`/proc/${pid}/cwd`)));
    return match ? `sha256:${match[1]}` : undefined;
  } catch {
    return undefined;
  }
}

/** The environment a process was started with, or undefined if it is gone. */
export async function processEnviron(pid: number): Promise<Map<string, string> | undefined> {
  try {
    const raw = await readFile(`/proc/${pid}/environ`, 'utf8');
    const env = new Map<string, string>();
    for (const entry of raw.split('\0')) {
      const eq = entry.indexOf('=');
      if (eq > 0) env.set(entry.slice(0, eq), entry.slice(eq + 1));
    }
    return env;
  } catch {
    return undefined;
  }
}

/** Start time of a process in clock ticks since boot (field 22 of /proc/<pid>/stat): with the pid, it names one process even after pid reuse. */
export async function processStartTime(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const value = Number(fields[19]);
    return Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a process group still has a member that is not a zombie. Orphaned zombies are
 * harmless but are reaped by PID 1 on its own schedule (seconds, in some containers), and
 * `kill(-pgid, 0)` counts them; without /proc, that signal test is the answer.
 */
export async function groupHasLiveMembers(pgid: number): Promise<boolean> {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return true;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command name: [0] state, [2] process group.
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') return true;
  }
  return false;
}

/** A process as /proc shows it, for messages. */
export interface ProcessInfo {
  pid: number;
  /** Its command line (argv joined by spaces; what `ps` shows, a rewritten title included), cut at 120 characters. */
  command: string;
}

/**
 * The live processes of the PID namespace that `launcher` (an `unshare --pid --fork`) made,
 * the namespace's init (its PID 1) and the init's own pause (`sleep 0.2`, replica-init.ts)
 * excluded: what a replica's release still runs. Zombies are left out (they hold nothing).
 * Empty when the namespace is gone or /proc cannot say.
 */
export async function namespaceMembers(launcher: number): Promise<ProcessInfo[]> {
  let namespace: string;
  let entries: string[];
  try {
    namespace = await readlink(`/proc/${launcher}/ns/pid_for_children`);
    entries = await readdir('/proc');
  } catch {
    return [];
  }
  const found: (ProcessInfo & { nsPid?: string; nsParent?: string })[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === launcher) continue;
    if ((await readlink(`/proc/${entry}/ns/pid`).catch(() => '')) !== namespace) continue;
    const status = await readFile(`/proc/${entry}/status`, 'utf8').catch(() => '');
    const state = /^State:\s+(\S)/m.exec(status)?.[1];
    const nsPid = /^NSpid:\s+(.*)$/m.exec(status)?.[1]?.trim().split(/\s+/).at(-1);
    if (!state || state === 'Z' || state === 'X' || nsPid === '1') continue;
    const cmdline = (await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0').filter(Boolean).join(' ');
    const name = /^Name:\s+(.*)$/m.exec(status)?.[1] ?? '?';
    const parent = /^PPid:\s+(\d+)/m.exec(status)?.[1];
    found.push({ pid: Number(entry), command: (cmdline || `[${name}]`).slice(0, 120), nsParent: parent });
  }
  const init = await initOf(launcher);
  const members = found.filter((p) => !(p.command === 'sleep 0.2' && p.nsParent === String(init))).map(({ pid, command }) => ({ pid, command }));
  return members.sort((a, b) => a.pid - b.pid);
}

/**
 * How many live processes a replica has: the members of its process group, and of the PID
 * namespace its launcher made (what left the group by setsid), counted once. Zero once gone.
 */
export async function replicaProcessCount(launcher: number, pgid: number): Promise<number> {
  const pids = new Set((await namespaceMembers(launcher)).map((p) => p.pid));
  let entries: string[] = [];
  try {
    entries = await readdir('/proc');
  } catch {
    return (await groupHasLiveMembers(pgid)) ? 1 : 0;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') pids.add(Number(entry));
  }
  return pids.size;
}

/** The host pid of the child `launcher` forked into its namespace (the replica init), from /proc's children list. */
async function initOf(launcher: number): Promise<number | undefined> {
  const children = await readFile(`/proc/${launcher}/task/${launcher}/children`, 'utf8').catch(() => '');
  const first = children.trim().split(/\s+/)[0];
  return first ? Number(first) : undefined;
}
