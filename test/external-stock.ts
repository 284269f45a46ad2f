import { freePort, ProcessPool, STOCK_SERVER, waitUntilAnswering } from '../fixtures/shop/spawn-shop.ts';

/** A stock service Drillbit does not run: a scenario's external dependency, on a host address of this machine. */
export interface ExternalStock {
  /** `host:port`, as a scenario's `external` writes it. */
  address: string;
  /** Whether it still answers `/healthz` directly (not through any proxy of a run). */
  answers(): Promise<boolean>;
  stop(): Promise<void>;
}

/** Starts `fixtures/stock/server.mjs` as a plain process on an IPv4 `host` (default loopback), ready once it answers. */
export async function startExternalStock(host = '127.0.0.1'): Promise<ExternalStock> {
  const pool = new ProcessPool();
  const port = await freePort();
  const running = pool.start({ command: [process.execPath, STOCK_SERVER], env: { PORT: String(port), HOST: host, STOCK_VERSION: 'external' }, port, host });
  try {
    await waitUntilAnswering(running);
  } catch (error) {
    await pool.killAll();
    throw error;
  }
  const answers = async () => {
    try {
      return (await fetch(`${running.url}/healthz`, { signal: AbortSignal.timeout(1000) })).ok;
    } catch {
      return false;
    }
  };
  return { address: `${host}:${port}`, answers, stop: () => pool.killAll() };
}
