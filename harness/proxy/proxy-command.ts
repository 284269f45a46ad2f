import { once } from 'node:events';
import type { CliEnvironment } from '../cli/cli-environment.ts';
import { badInput, DrillbitError, ExitCode } from '../errors.ts';
import { AdminApi } from './admin-api.ts';
import { withDeadline } from './deadline.ts';
import { parseHostPort } from './host-port.ts';
import { ProxyServer } from './proxy-server.ts';

const STOP_DEADLINE_MS = 5000;

/**
 * `drillbit proxy --listen 127.0.0.1:8474`: the fault proxy alone, driven through its
 * Toxiproxy-compatible admin API, until SIGINT or SIGTERM; then every proxy stops and it
 * exits 0.
 */
export async function proxyCommand(flags: { listen: string }, cli: CliEnvironment): Promise<number> {
  const address = parseHostPort(flags.listen);
  if (!address) throw badInput(`--listen: expected "host:port" like 127.0.0.1:8474, got ${JSON.stringify(flags.listen)}`, 'use port 0 for a free port');
  const proxies = new ProxyServer();
  const api = new AdminApi(proxies, { version: cli.version });
  try {
    let url: URL;
    try {
      url = await api.listen(address);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new DrillbitError('infrastructure', `--listen ${flags.listen}: cannot listen: ${code ?? (error as Error).message}`, {
        hint: code === 'EADDRINUSE' ? 'another process (a Toxiproxy?) holds the port: stop it or pick another port' : undefined,
        cause: error,
      });
    }
    cli.stdout(`drillbit proxy: admin API on ${url.origin} (Toxiproxy-compatible); Ctrl-C to stop\n`);
    if (!cli.signal.aborted) await once(cli.signal, 'abort');
    return ExitCode.ok;
  } finally {
    await withDeadline(Promise.all([api.close(), proxies.close()]), STOP_DEADLINE_MS);
  }
}
