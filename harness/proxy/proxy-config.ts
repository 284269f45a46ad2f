import { z } from 'zod';
import { formatHostPort, parseHostPort, type HostPort } from './host-port.ts';
import { badRequest, missingField, ProxyError } from './proxy-error.ts';
import type { ProxyProtocol } from './toxic.ts';
import { describeIssues } from './toxic-schema.ts';

/** A proxy as a caller describes it (Toxiproxy's proxy fields, plus `protocol`). */
export interface ProxyConfig {
  name: string;
  /** `host:port` to listen on; port 0 picks a free port (reported back in `listen`). Default `127.0.0.1:0`. */
  listen?: string;
  /** `host:port` of the service behind the proxy. */
  upstream: string;
  /** Default true: listening at once. */
  enabled?: boolean;
  /** `http`: an HTTP reverse proxy with per-request toxics (Drillbit extension). Default `tcp`. */
  protocol?: ProxyProtocol;
}

export interface ProxyUpdate {
  listen?: string;
  upstream?: string;
  enabled?: boolean;
}

export interface NormalizedConfig {
  name: string;
  listen: HostPort;
  upstream: HostPort;
  enabled: boolean;
  protocol: ProxyProtocol;
}

const hostPort = (field: string, connectable: boolean) =>
  z.string({ error: 'expected "host:port"' }).transform((text, ctx) => {
    const parsed = parseHostPort(text);
    if (!parsed || (connectable && (parsed.port === 0 || parsed.host === ''))) {
      ctx.addIssue({ code: 'custom', message: `expected ${field} as "host:port" like ${connectable ? '127.0.0.1:8080' : '127.0.0.1:0'}` });
      return z.NEVER;
    }
    return parsed;
  });

const configSchema = z.object({
  name: z.string({ error: 'expected a string' }).min(1).max(200, { error: 'at most 200 characters' }).refine((n) => !n.includes('/'), { error: 'must not contain "/"' }),
  listen: hostPort('listen', false).default(parseHostPort('127.0.0.1:0')!),
  upstream: hostPort('upstream', true),
  enabled: z.boolean({ error: 'expected true or false' }).default(true),
  protocol: z.enum(['tcp', 'http'], { error: 'expected "tcp" or "http"' }).default('tcp'),
});

const updateSchema = z.object({
  listen: hostPort('listen', false).optional(),
  upstream: hostPort('upstream', true).optional(),
  enabled: z.boolean({ error: 'expected true or false' }).optional(),
  protocol: z.unknown().optional(),
});

/** Validates a new proxy; throws a 400 ProxyError naming the field (Toxiproxy: "missing required field: upstream"). */
export function parseProxyConfig(input: unknown): NormalizedConfig {
  const body = objectBody(input);
  for (const field of ['name', 'upstream'] as const) if (body[field] === undefined || body[field] === '') throw missingField(field);
  const result = configSchema.safeParse(body);
  if (!result.success) throw badRequest(describeIssues(result.error.issues, body, []));
  return result.data;
}

export function parseProxyUpdate(input: unknown, protocol: ProxyProtocol): { listen?: HostPort; upstream?: HostPort; enabled?: boolean } {
  const body = objectBody(input);
  const result = updateSchema.safeParse(body);
  if (!result.success) throw badRequest(describeIssues(result.error.issues, body, []));
  if (result.data.protocol !== undefined && result.data.protocol !== protocol) {
    throw new ProxyError(400, `bad request body: protocol: a proxy's protocol cannot change (delete and create it again), got ${JSON.stringify(result.data.protocol)}`);
  }
  const { protocol: _ignored, ...update } = result.data;
  return update;
}

export function sameAddress(a: HostPort, b: HostPort): boolean {
  return formatHostPort(a) === formatHostPort(b);
}

function objectBody(input: unknown): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw badRequest('expected a JSON object');
  return input as Record<string, unknown>;
}
