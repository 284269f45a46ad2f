import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PortAllocator } from '../harness/drivers/local/port-allocator.ts';
import { projectRoot } from './drill-harness.ts';

/** A stock service Drillbit does not run: a scenario's external dependency, on a host address of this machine. */
export interface ExternalStock {
  /** `host:port`, as a scenario's `external` writes it. */
  address: string;
  pid: number;
  /** Whether it still answers `/healthz` directly (not through any proxy of a run). */
  answers(): Promise<boolean>;
  stop(): void;
}

/** Starts `fixtures/stock/server.mjs` as a plain process on `host` (default loopback), ready once it answers. */
export async function startExternalStock(host = '127.0.0.1'): Promise<ExternalStock> {
  const port = await new PortAllocator().allocate();
  const child = spawn(process.execPath, [join(projectRoot, 'fixtures/stock/server.mjs')], { env: { PATH: process.env.PATH, PORT: String(port), HOST: host, STOCK_VERSION: 'external' }, stdio: 'ignore' });
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const answers = async () => {
    try {
      return (await fetch(`http://${address}/healthz`, { signal: AbortSignal.timeout(1000) })).ok;
    } catch {
      return false;
    }
  };
  const deadline = Date.now() + 10_000;
  while (!(await answers())) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the external stock on ${address} did not start (exit ${child.exitCode})`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { address, pid: child.pid!, answers, stop: () => void child.kill('SIGKILL') };
}
