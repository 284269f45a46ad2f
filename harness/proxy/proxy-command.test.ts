import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { echo, open, roundTrip, startServer, type TestServer } from './test-support.ts';

// `drillbit proxy` as a user runs it: a real process, its admin API over HTTP, SIGTERM.
const BIN = fileURLToPath(new URL('../../bin/drillbit.mjs', import.meta.url));
let upstream: TestServer;

beforeAll(async () => {
  upstream = await startServer(echo);
});
afterAll(async () => {
  await upstream.close();
});

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function drillbit(args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
  child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

describe('drillbit proxy', () => {
  it('serves the admin API until SIGTERM, then exits 0 promptly', async () => {
    const port = await freePort();
    const run = drillbit(['proxy', '--listen', `127.0.0.1:${port}`]);
    try {
      for (let i = 0; i < 200 && !run.stdout().includes('admin API on'); i++) await new Promise((r) => setTimeout(r, 25));
      expect(run.stdout()).toContain(`admin API on http://127.0.0.1:${port}`);
      const api = `http://127.0.0.1:${port}`;
      expect(await (await fetch(`${api}/version`)).json()).toMatchObject({ version: expect.any(String) });
      const created = await fetch(`${api}/proxies`, { method: 'POST', body: JSON.stringify({ name: 'e2e', listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstream.port}` }) });
      expect(created.status).toBe(201);
      const listen = ((await created.json()) as { listen: string }).listen;
      await fetch(`${api}/proxies/e2e/toxics`, { method: 'POST', body: JSON.stringify({ type: 'latency', attributes: { latency: 100 } }) });
      const client = await open(Number(listen.split(':').at(-1)));
      expect(await roundTrip(client)).toBeGreaterThanOrEqual(98);

      const started = performance.now();
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
      expect(performance.now() - started).toBeLessThan(3000);
      await client.closed;
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  it('exits 2 on a bad --listen, naming the flag', async () => {
    const run = drillbit(['proxy', '--listen', 'no-port-here']);
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toMatch(/--listen: expected "host:port" like 127\.0\.0\.1:8474, got "no-port-here"/);
  });

  it('exits 3 when the port is taken', async () => {
    const run = drillbit(['proxy', '--listen', `127.0.0.1:${upstream.port}`]);
    expect(await run.exited).toBe(3);
    expect(run.stderr()).toMatch(/--listen 127\.0\.0\.1:\d+: cannot listen: EADDRINUSE/);
  });
});
