import { DrillbitError, errorMessage } from '../../errors.ts';
import type { LinkProxy, ToxicSpec } from '../fault-surface.ts';

/** Longest any admin call may take: a revert through it must finish within its deadline. */
const REQUEST_TIMEOUT_MS = 5000;

export interface AdminProxy {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
}

/**
 * A client of a Toxiproxy-compatible admin API (`drillbit proxy`, or a real Toxiproxy):
 * just what the network faults need, every call bounded by a timeout, every failure an
 * infrastructure error naming the call and the API's own message.
 */
export class ToxiproxyAdmin {
  constructor(readonly base: URL) {}

  version(timeoutMs = 1000): Promise<{ version: string }> {
    return this.call('GET', '/version', undefined, timeoutMs) as Promise<{ version: string }>;
  }

  createProxy(proxy: { name: string; listen: string; upstream: string }): Promise<AdminProxy> {
    return this.call('POST', '/proxies', proxy) as Promise<AdminProxy>;
  }

  /** The proxy as the faults drive it (fault-surface.ts's LinkProxy). */
  link(name: string): LinkProxy {
    const path = `/proxies/${encodeURIComponent(name)}`;
    return {
      addToxic: async (toxic: ToxicSpec) => void (await this.call('POST', `${path}/toxics`, toxic)),
      removeToxic: async (toxic: string) => void (await this.call('DELETE', `${path}/toxics/${encodeURIComponent(toxic)}`, undefined, REQUEST_TIMEOUT_MS, [404])),
      setEnabled: async (enabled: boolean) => void (await this.call('POST', path, { enabled })),
    };
  }

  private async call(method: string, path: string, body?: unknown, timeoutMs = REQUEST_TIMEOUT_MS, tolerated: number[] = []): Promise<unknown> {
    const url = new URL(path, this.base);
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        body: body === undefined ? undefined : JSON.stringify(body),
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new DrillbitError('infrastructure', `fault proxy admin API: ${method} ${url.href}: ${errorMessage(error)}`, { cause: error });
    }
    const text = await res.text();
    if (res.ok || tolerated.includes(res.status)) return text ? (JSON.parse(text) as unknown) : undefined;
    const message = (() => {
      try {
        return (JSON.parse(text) as { error?: string }).error ?? text;
      } catch {
        return text;
      }
    })();
    throw new DrillbitError('infrastructure', `fault proxy admin API: ${method} ${url.pathname} answered ${res.status}: ${message.trim()}`);
  }
}
