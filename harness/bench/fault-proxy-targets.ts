import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort } from '../../fixtures/shop/spawn-shop.ts';

const STOP_DEADLINE_MS = 3000;

/** A proxy process in front of the bench's services. */
export interface ProxyProcess {
  /** http://127.0.0.1:<port> through the proxy, per upstream name. */
  urls: Record<string, string>;
  pid: number;
  stop(): Promise<void>;
}

export interface DrillbitProxyProcess extends ProxyProcess {
  /** The admin API (Toxiproxy-compatible), to add and remove toxics. */
  admin: string;
}

/** `drillbit proxy` in its own process (as a sidecar runs it), with a TCP proxy per upstream (named as the upstream) created over its admin API. */
export async function startDrillbitProxy(root: string, upstreams: Record<string, number>): Promise<DrillbitProxyProcess> {
  const child = spawn(process.execPath, [join(root, 'bin', 'drillbit.mjs'), 'proxy', '--listen', '127.0.0.1:0'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = () => stopProcess(child);
  try {
    const admin = await adminUrl(child);
    const urls: Record<string, string> = {};
    for (const [name, port] of Object.entries(upstreams)) {
      const response = await fetch(`${admin}/proxies`, { method: 'POST', body: JSON.stringify({ name, listen: '127.0.0.1:0', upstream: `127.0.0.1:${port}` }) });
      if (response.status !== 201) throw new Error(`creating proxy ${name} answered ${response.status}: ${await response.text()}`);
      urls[name] = `http://${((await response.json()) as { listen: string }).listen}`;
    }
    return { urls, admin, pid: child.pid!, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Why haproxy cannot run here, or undefined when it can. */
export function haproxyUnavailable(): string | undefined {
  const probe = spawnSync('haproxy', ['-v'], { encoding: 'utf8' });
  if (probe.error) return `haproxy is not installed (${(probe.error as NodeJS.ErrnoException).code}); \`apt-get install -y haproxy\` adds this row`;
  return probe.status === 0 ? undefined : `haproxy -v exited ${probe.status}`;
}

export function haproxyVersion(): string | undefined {
  return spawnSync('haproxy', ['-v'], { encoding: 'utf8' }).stdout?.split('\n')[0]?.trim();
}

/** haproxy in TCP mode with one thread (the Node proxy has one event loop), in the foreground; one `listen` per upstream. */
export async function startHaproxy(upstreams: Record<string, number>): Promise<ProxyProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'drillbit-bench-haproxy-'));
  const ports: Record<string, number> = {};
  for (const name of Object.keys(upstreams)) {
    let port = await freePort();
    while (Object.values(ports).includes(port)) port = await freePort();
    ports[name] = port;
  }
  const config = [
    'global',
    '  nbthread 1',
    '  maxconn 4096', // each connection takes 2 file descriptors; the soft limit here is 20000
    'defaults',
    '  mode tcp',
    '  timeout connect 5s',
    '  timeout client 60s',
    '  timeout server 60s',
    ...Object.entries(upstreams).flatMap(([name, upstream]) => [`listen ${name}`, `  bind 127.0.0.1:${ports[name]}`, `  server upstream 127.0.0.1:${upstream}`]),
    '',
  ].join('\n');
  await writeFile(join(dir, 'haproxy.cfg'), config);
  const child = spawn('haproxy', ['-db', '-f', join(dir, 'haproxy.cfg')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (t: string) => (stderr = (stderr + t).slice(-2000)));
  const stop = async () => {
    await stopProcess(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (const port of Object.values(ports)) await waitUntilListening(port, child, () => stderr);
    return { urls: Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, `http://127.0.0.1:${port}`])), pid: child.pid!, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function adminUrl(child: ChildProcess): Promise<string> {
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (t: string) => (stderr += t));
  const lines = createInterface({ input: child.stdout! });
  const exited = once(child, 'exit').then(([code]) => Promise.reject(new Error(`drillbit proxy exited ${code}: ${stderr.trim()}`)));
  const found = new Promise<string>((resolve) => {
    lines.on('line', (line) => {
      const match = /admin API on (http:\/\/\S+)/.exec(line);
      if (match) resolve(match[1]!);
    });
  });
  return Promise.race([found, exited]);
}

async function waitUntilListening(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw new Error(`haproxy exited ${child.exitCode}: ${stderr().trim().split('\n').at(-1)}`);
    const socket = connect({ host: '127.0.0.1', port });
    const ok = await once(socket, 'connect').then(() => true, () => false);
    socket.destroy();
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`haproxy did not listen on 127.0.0.1:${port}`);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_DEADLINE_MS);
  await exited;
  clearTimeout(timer);
}
