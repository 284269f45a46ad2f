// The fault proxy container's entry point, bundled into one file (fault-proxy-image.ts)
// and run as `node /drillbit/proxy.mjs`: `drillbit proxy` without the CLI, its admin API
// on all interfaces, its random source seeded from the run so toxicity coins replay.
import { AdminApi } from '../../proxy/admin-api.ts';
import { ProxyServer } from '../../proxy/proxy-server.ts';
import { SeededRandom } from '../../util/seeded-random.ts';

const listen = process.env.DRILLBIT_PROXY_LISTEN || '0.0.0.0:8474';
const seed = Number(process.env.DRILLBIT_PROXY_SEED);
const random = Number.isInteger(seed) ? new SeededRandom(seed) : undefined;
const proxies = new ProxyServer({ random: random ? () => random.next() : undefined });
const api = new AdminApi(proxies, { version: process.env.DRILLBIT_VERSION || 'container' });

const url = await api.listen(listen);
process.stdout.write(`drillbit fault proxy: admin API on ${url.origin}\n`);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  void Promise.all([api.close(), proxies.close()]).finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
