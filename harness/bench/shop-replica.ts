import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ProcessPool, waitUntilAnswering } from '../../fixtures/shop/spawn-shop.ts';

export interface ShopReplica {
  /** http://127.0.0.1:<port> */
  url: string;
  pid: number;
  /** Kills the process and removes its data directory. Idempotent. */
  stop(): Promise<void>;
}

/** One replica of the sample shop (`fixtures/shop/server.mjs`, good behaviour) as a child process, answering. */
export async function startShopReplica(root: string): Promise<ShopReplica> {
  const dataDir = await mkdtemp(join(tmpdir(), 'drillbit-bench-shop-'));
  const pool = new ProcessPool();
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= pool.killAll().finally(() => rm(dataDir, { recursive: true, force: true })));
  try {
    const port = await freePort();
    const running = pool.start({
      command: [process.execPath, join(root, 'fixtures/shop/server.mjs')],
      env: { PORT: String(port), DATA_DIR: dataDir, SHOP_BEHAVIOUR: 'good', SHOP_VERSION: 'bench' },
      port,
    });
    await waitUntilAnswering(running);
    return { url: running.url, pid: running.child.pid!, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
