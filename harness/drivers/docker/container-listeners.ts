import { readFile } from 'node:fs/promises';

/** A TCP socket listening in a container's network namespace. */
export interface Listener {
  /** `127.0.0.1`, `0.0.0.0`, `::`, `::1`, … */
  address: string;
  port: number;
}

/**
 * The TCP sockets listening in the network namespace of a process on this host (a
 * container's init, `State.Pid`): `/proc/<pid>/net/tcp` and `tcp6`, state 0A. Undefined when
 * they cannot be read (the process is gone, or the engine is on another machine).
 */
export async function listeningSockets(hostPid: number): Promise<Listener[] | undefined> {
  const tables = await Promise.all(['tcp', 'tcp6'].map((t) => readFile(`/proc/${hostPid}/net/${t}`, 'utf8').catch(() => undefined)));
  if (tables.every((t) => t === undefined)) return undefined;
  const listeners: Listener[] = [];
  for (const table of tables) {
    for (const line of (table ?? '').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state !== '0A' || !local) continue;
      const [hexAddress, hexPort] = local.split(':') as [string, string];
      listeners.push({ address: decodeAddress(hexAddress), port: parseInt(hexPort, 16) });
    }
  }
  return listeners;
}

/** Whether only loopback listens on `port`: nothing from outside the container (a published port) can reach it. */
export function onlyLoopbackOn(listeners: readonly Listener[], port: number): boolean {
  const onPort = listeners.filter((l) => l.port === port);
  return onPort.length > 0 && onPort.every((l) => isLoopback(l.address));
}

function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.');
}

/** /proc/net/tcp writes addresses as hex of the in-memory (little-endian per 32-bit word) bytes. */
function decodeAddress(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((word) => (word.match(/../g) ?? []).reverse().map((b) => parseInt(b, 16)));
  if (bytes.length === 4) return bytes.join('.');
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return `::ffff:${bytes.slice(12).join('.')}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::').replace(/:{3,}/, '::');
}
