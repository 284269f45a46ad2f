import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DriverContext } from '../driver.ts';
import { silentLogger } from '../../runner/logger.ts';
import { TeardownStack } from '../../runner/teardown-stack.ts';
import { Timeline } from '../../runner/timeline.ts';

/**
 * A tiny service for driver tests: answers `x-drillbit-release: $RELEASE_NAME`, health per
 * $MODE (`ok`, `unhealthy`, `crash` on boot), and keeps `/data/<key>` files in $DATA_DIR.
 * `GET /` answers `<name> <replica pid>`, the replica's pid being the host pid of its process
 * group (what the driver's `ReplicaHandle.pid` is): its own pid is its PID namespace's.
 */
export const TEST_SERVER = `
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
const mode = process.env.MODE ?? 'ok';
if (mode === 'crash') { console.error('boom: refusing to boot'); process.exit(1); }
if (mode === 'port-race-once' && !fs.existsSync(path.join(process.env.DATA_DIR, 'raced'))) {
  fs.writeFileSync(path.join(process.env.DATA_DIR, 'raced'), '');
  console.error('Error: listen EADDRINUSE: address already in use 127.0.0.1:' + process.env.PORT);
  process.exit(1);
}
if (mode === 'stubborn') process.on('SIGTERM', () => console.error('ignoring SIGTERM'));
const name = process.env.RELEASE_NAME;
const stat = fs.readFileSync('/proc/self/stat', 'utf8');
const replicaPid = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2];
http.createServer((req, res) => {
  if (req.url === '/healthz') { res.writeHead(mode === 'unhealthy' ? 503 : 200); res.end(); return; }
  if (req.url.startsWith('/data/')) {
    const file = path.join(process.env.DATA_DIR, req.url.slice(6));
    if (req.method === 'PUT') { const parts = []; req.on('data', (c) => parts.push(c)); req.on('end', () => { fs.writeFileSync(file, Buffer.concat(parts)); res.end('ok'); }); return; }
    if (!fs.existsSync(file)) { res.writeHead(404); res.end(); return; }
    res.end(fs.readFileSync(file));
    return;
  }
  if (req.url === '/echo') { res.writeHead(200, { 'x-drillbit-release': name, 'x-seen-headers': JSON.stringify(req.headers) }); req.pipe(res); return; }
  res.writeHead(200, { 'x-drillbit-release': name, 'content-type': 'text/plain' });
  res.end(name + ' ' + replicaPid);
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

export interface TestBundleOptions {
  service?: string;
  version?: string;
  mode?: 'ok' | 'unhealthy' | 'crash' | 'port-race-once' | 'stubborn';
  env?: Record<string, string>;
  command?: string[];
  health?: { path?: string; timeoutMs?: number; intervalMs?: number };
}

/** Writes a bundle `<root>/<name>` running TEST_SERVER; returns its directory. */
export async function writeTestBundle(root: string, name: string, options: TestBundleOptions = {}): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'server.mjs'), TEST_SERVER);
  const manifest = {
    service: options.service ?? 'shop',
    version: options.version ?? name,
    command: options.command ?? [process.execPath, 'server.mjs'],
    env: { PORT: '{port}', DATA_DIR: '{dataDir}', RELEASE_NAME: name, MODE: options.mode ?? 'ok', ...options.env },
    health: { path: '/healthz', timeoutMs: 3000, intervalMs: 20, ...options.health },
  };
  await writeFile(join(dir, 'release.json'), JSON.stringify(manifest, null, 2));
  return dir;
}

export function testContext(workDir: string, runId = 'test-run'): DriverContext & { abort: AbortController } {
  const abort = new AbortController();
  return { runId, workDir, timeline: new Timeline(), teardown: new TeardownStack(), log: silentLogger, signal: abort.signal, abort };
}

/** True while a process runs (not a zombie); Linux only. */
export async function processRunning(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** True while a process with this pid exists (zombies included). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Host pids of the live processes whose command line contains `marker` (a pid a release writes itself is its namespace's, not the host's). */
export async function pidsWithMarker(marker: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(marker) && (await processRunning(Number(entry)))) found.push(Number(entry));
  }
  return found;
}
